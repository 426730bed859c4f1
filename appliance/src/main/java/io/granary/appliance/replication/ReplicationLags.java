package io.granary.appliance.replication;

import io.granary.appliance.policy.ReplicationSchedule;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import io.granary.snapshots.api.VolumeInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Each volume's replication as {@code volume show}, {@code granary status} and the metrics
 * show it: its schedule, what last reached the remote, how far behind the remote is, and the
 * failures since. Read when asked, from the profiles and the {@link ReplicationHistory}.
 */
public final class ReplicationLags {
  private final Pools pools;
  private final Profiles profiles;
  private final ReplicationHistory history;
  private final Clock clock;

  public ReplicationLags(Pools pools, Profiles profiles, ReplicationHistory history, Clock clock) {
    this.pools = pools;
    this.profiles = profiles;
    this.history = history;
    this.clock = clock;
  }

  /**
   * One volume's replication.
   *
   * @param to where it replicates on schedule, else where it last replicated
   * @param every the schedule's interval in seconds, null if it has none
   * @param snapshot the newest snapshot that reached the remote, null if none yet
   * @param lagSeconds how old the remote's newest state of the volume is: the age of {@code
   *     snapshot}, or, on a schedule and before its first replication, the volume's age (none of
   *     it is at the remote yet); null if it replicates neither on schedule nor ever did
   * @param failures failed replications since the last success
   */
  public record Lag(
      String pool,
      String volume,
      String to,
      Long every,
      String snapshot,
      String taken,
      String succeeded,
      Long lagSeconds,
      int failures,
      String failed,
      String error) {

    /** Behind by more than two intervals: a schedule that does not keep up. */
    public boolean late() {
      return every != null && lagSeconds != null && lagSeconds > 2 * every;
    }
  }

  /** Every volume that replicates on schedule or ever did, by pool. */
  public List<Lag> all() throws IOException {
    List<Lag> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Pool p : pools.list()) {
      for (VolumeInfo v : p.volumes().list()) {
        Lag l = lag(p, v, now);
        if (l.to() != null) {
          out.add(l);
        }
      }
    }
    return out;
  }

  /** {@code v}'s replication; all null but its name if it neither has a schedule nor ever did. */
  public Lag of(Pool p, VolumeInfo v) {
    return lag(p, v, clock.instant());
  }

  private Lag lag(Pool p, VolumeInfo v, Instant now) {
    ReplicationSchedule s = v.isReplica() ? null : profiles.profileOf(v).replicationSchedule();
    ReplicationHistory.Entry e = history.of(p.name(), v.name());
    if (s == null && e == null) {
      return new Lag(p.name(), v.name(), null, null, null, null, null, null, 0, null, null);
    }
    Duration lag =
        e != null && e.taken() != null
            ? e.lag(now)
            : s != null ? Duration.between(v.created(), now) : null;
    return new Lag(
        p.name(),
        v.name(),
        s != null ? s.target(v.name()) : e.to(),
        s == null ? null : s.every().getSeconds(),
        e == null ? null : e.snapshot(),
        e == null ? null : text(e.taken()),
        e == null ? null : text(e.succeeded()),
        lag == null ? null : Math.max(0, lag.getSeconds()),
        e == null ? 0 : e.failures(),
        e == null ? null : text(e.failed()),
        e == null ? null : e.error());
  }

  /** To the second: finer is noise to a reader of lags. */
  private static String text(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
