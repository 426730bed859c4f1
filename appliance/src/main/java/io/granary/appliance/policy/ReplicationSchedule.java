package io.granary.appliance.policy;

import io.granary.snapshots.api.Names;
import java.time.Duration;

/**
 * A profile's replication: every volume that follows it replicates to {@code remote}'s pool
 * {@code pool}, under its own name, once every {@code every}; of the snapshots taken for it
 * ({@code repl-*}) the newest {@code keep} stay on each side.
 */
public record ReplicationSchedule(String remote, String pool, Duration every, int keep) {

  /** Replication snapshots are named to the second; a minute keeps names and tasks apart. */
  public static final long MIN_INTERVAL_SECONDS = 60;

  /** Refuses a profile's replication fields that do not make a schedule (all unset is none). */
  static void check(String to, long everySeconds, int keep) {
    if (to == null) {
      if (everySeconds != 0 || keep != 0) {
        throw new IllegalArgumentException(
            "--replicate-every and --replicate-keep need --replicate-to REMOTE[:POOL]");
      }
      return;
    }
    if (everySeconds < MIN_INTERVAL_SECONDS) {
      throw new IllegalArgumentException(
          "replication needs --replicate-every DURATION of a minute or more");
    }
    if (keep < 1) {
      throw new IllegalArgumentException(
          "replication needs --replicate-keep N (1 or more snapshots kept on each side)");
    }
    of(to, everySeconds, keep);
  }

  /** {@code REMOTE[:POOL]}; the pool is {@code default} unless given. */
  static ReplicationSchedule of(String to, long everySeconds, int keep) {
    int colon = to.indexOf(':');
    String remote = colon < 0 ? to : to.substring(0, colon);
    String pool = colon < 0 ? "default" : to.substring(colon + 1);
    if (!Names.isValid(remote) || !Names.isValid(pool)) {
      throw new IllegalArgumentException(
          "--replicate-to takes REMOTE or REMOTE:POOL (each volume keeps its own name there), not '"
              + to
              + "'");
    }
    return new ReplicationSchedule(remote, pool, Duration.ofSeconds(everySeconds), keep);
  }

  /** As {@code volume replicate --to} takes it, for {@code volume}. */
  public String target(String volume) {
    return remote + ":" + pool + "/" + volume;
  }
}
