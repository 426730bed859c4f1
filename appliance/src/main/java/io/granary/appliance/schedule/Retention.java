package io.granary.appliance.schedule;

import io.granary.appliance.policy.SnapshotPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which automatic snapshots a policy lets go: all but the newest {@code keep} and those younger
 * than {@code keepFor}. Pure.
 */
final class Retention {
  private Retention() {}

  /** The names to delete among {@code taken} (name → time taken), oldest first. */
  static List<String> expired(Map<String, Instant> taken, SnapshotPolicy policy, Instant now) {
    List<Map.Entry<String, Instant>> newestFirst = new ArrayList<>(taken.entrySet());
    newestFirst.sort(Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder()));
    Instant cutoff = now.minus(policy.keepFor());
    List<String> out = new ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= policy.keep(); i--) {
      Map.Entry<String, Instant> e = newestFirst.get(i);
      if (!e.getValue().isAfter(cutoff)) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
