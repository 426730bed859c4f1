package io.granary.appliance.schedule;

import io.granary.appliance.replication.Replicator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which replication snapshots a schedule lets go on one side: of those named {@code repl-*}
 * (their names sort by time), all but the newest {@code keep}, and never {@code base}, the one
 * just replicated, which the next replication starts from. Snapshots of any other name (an
 * admin's, the automatic ones) are never touched. Pure.
 */
final class ReplicationRetention {
  private ReplicationRetention() {}

  /** The names to delete among {@code names}, oldest first. */
  static List<String> expired(List<String> names, int keep, String base) {
    List<String> repl = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith(Replicator.SNAPSHOT_PREFIX)) {
        repl.add(n);
      }
    }
    repl.sort(Comparator.reverseOrder());
    List<String> out = new ArrayList<>();
    for (int i = repl.size() - 1; i >= keep; i--) {
      if (!repl.get(i).equals(base)) {
        out.add(repl.get(i));
      }
    }
    return out;
  }
}
