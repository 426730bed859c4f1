package io.granary.appliance.schedule;

import io.granary.appliance.policy.ReplicationSchedule;
import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import io.granary.appliance.replication.RemoteVolume;
import io.granary.appliance.replication.ReplicationHistory;
import io.granary.appliance.replication.ReplicationTarget;
import io.granary.appliance.replication.Replicator;
import io.granary.appliance.task.Task;
import io.granary.appliance.task.Tasks;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.VolumeInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Carries out the profiles' replication schedules ({@link ReplicationSchedule}).
 *
 * <p>A volume is due one interval after the snapshot it last replicated was taken (at once if
 * it never replicated); after a failed replication it waits {@link #retryAfter} before the next
 * try. At each tick, for each remote with no scheduled replication under way, the most overdue
 * due volume starts replicating, as a task ({@code granary task list} shows it and its
 * progress). One at a time per remote: a replication is bounded by its link, and a remote that
 * is down holds up only the volumes that go to it. Those tasks run on threads of their own, so
 * neither they nor an admin's gc or scrub wait behind the other. After a success, the
 * {@code repl-*} snapshots beyond the schedule's keep are deleted on both sides ({@link
 * ReplicationRetention}); a prune that fails is logged and tried again after the next one.
 *
 * <p>Skipped: pools that do not allow replication or are open read-only, and replicas (the
 * receiving side of another appliance's schedule). Not done: spreading many volumes' starts
 * over the interval; a site with more volumes than a link can carry in an interval sees their
 * lag grow, in {@code granary status} and the metrics.
 *
 * <p>Threads: {@link #tick} on the scheduler's thread (this object's lock); the replications
 * on {@link #threads}.
 */
public final class ScheduledReplication implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ScheduledReplication.class.getName());

  /** The longest wait before a failed scheduled replication is tried again. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final Pools pools;
  private final Profiles profiles;
  private final Replicator replicator;
  private final Tasks tasks;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "granary-scheduled-replication");
            t.setDaemon(true);
            return t;
          });

  /** The scheduled replication under way to each remote. */
  private final Map<String, Task> underWay = new HashMap<>();

  public ScheduledReplication(Pools pools, Profiles profiles, Replicator replicator, Tasks tasks) {
    this.pools = pools;
    this.profiles = profiles;
    this.replicator = replicator;
    this.tasks = tasks;
  }

  private record Due(Pool pool, VolumeInfo volume, ReplicationSchedule schedule, Instant at) {}

  /** One pass over every volume at time {@code now}. */
  public synchronized void tick(Instant now) {
    underWay.values().removeIf(t -> !t.running());
    Map<String, Due> next = new HashMap<>(); // the most overdue volume of each idle remote
    ReplicationHistory history = replicator.history();
    for (Pool pool : pools.list()) {
      List<VolumeInfo> volumes;
      try {
        volumes = pool.volumes().list();
        Set<String> names = new HashSet<>();
        volumes.forEach(v -> names.add(v.name()));
        history.retain(pool.name(), names);
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING, "scheduled replication in pool {0}: {1}", pool.name(), e.getMessage());
        continue;
      }
      if (!pool.settings().allows(Service.REPLICATION) || pool.readOnly()) {
        continue;
      }
      for (VolumeInfo v : volumes) {
        ReplicationSchedule s = profiles.profileOf(v).replicationSchedule();
        if (s == null || v.isReplica() || underWay.containsKey(s.remote())) {
          continue;
        }
        Instant at = dueAt(history.of(pool.name(), v.name()), s, v.created(), now);
        Due best = next.get(s.remote());
        if (!now.isBefore(at) && (best == null || at.isBefore(best.at()))) {
          next.put(s.remote(), new Due(pool, v, s, at));
        }
      }
    }
    for (Due d : next.values()) {
      underWay.put(d.schedule().remote(), start(d));
    }
  }

  /**
   * When a volume replicates next: one interval after the snapshot it last replicated was taken
   * (its creation if none: at once), and not before {@link #retryAfter} a failure since. A
   * snapshot taken after {@code now} means the clock was set back: at once, rather than wait
   * until the clock catches up.
   */
  static Instant dueAt(
      ReplicationHistory.Entry last, ReplicationSchedule s, Instant created, Instant now) {
    Instant at =
        last == null || last.taken() == null
            ? created
            : last.taken().isAfter(now) ? now : last.taken().plus(s.every());
    if (last != null && last.failures() > 0) {
      Instant retry = last.failed().plus(retryAfter(s));
      at = retry.isAfter(at) ? retry : at;
    }
    return at;
  }

  /** A fifth of the interval, at most {@link #MAX_RETRY_AFTER}. */
  static Duration retryAfter(ReplicationSchedule s) {
    Duration fifth = s.every().dividedBy(5);
    return fifth.compareTo(MAX_RETRY_AFTER) < 0 ? fifth : MAX_RETRY_AFTER;
  }

  private Task start(Due d) {
    String volume = d.volume().name();
    ReplicationTarget to =
        new ReplicationTarget(d.schedule().remote(), d.schedule().pool(), volume);
    LOG.log(Level.INFO, "scheduled replication of {0}/{1} to {2}", d.pool().name(), volume, to);
    return tasks.start(
        "replicate",
        d.pool().name() + "/" + volume + " to " + to + " (scheduled)",
        "chunks",
        threads,
        progress -> {
          Replicator.Result r = replicator.replicate(d.pool(), volume, null, to, false, progress);
          prune(d.pool(), volume, to, d.schedule().keep(), r.snapshot());
          return r;
        });
  }

  /** Deletes the replication snapshots beyond {@code keep} on both sides, never {@code base}. */
  private void prune(Pool pool, String volume, ReplicationTarget to, int keep, String base) {
    try {
      List<String> ours = new ArrayList<>();
      for (SnapshotInfo s : pool.volumes().snapshots(volume)) {
        ours.add(s.name());
      }
      for (String old : ReplicationRetention.expired(ours, keep, base)) {
        pool.volumes().deleteSnapshot(volume, old);
      }
      RemoteVolume theirs = new RemoteVolume(replicator.remotes().client(to.remote()), to);
      for (String old :
          ReplicationRetention.expired(theirs.snapshots().orElseThrow(), keep, base)) {
        theirs.deleteSnapshot(old);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "old replication snapshots of {0}/{1} could not all be deleted: {2}",
          pool.name(),
          volume,
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the replications under way (each ends as a failed task) and waits for them. */
  @Override
  public void close() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(30, TimeUnit.SECONDS);
  }
}
