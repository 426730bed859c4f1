package io.granary.appliance.schedule;

import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's periodic duties on one thread: pool alerts, automatic snapshots and scheduled
 * replications (which it starts; they run on threads of their own). It ticks every {@code
 * period} of real time and reads the (possibly sped-up) clock at each tick.
 */
public final class PolicyScheduler implements AutoCloseable {
  private final ScheduledExecutorService thread;
  private final ScheduledReplication replication;

  private PolicyScheduler(ScheduledExecutorService thread, ScheduledReplication replication) {
    this.thread = thread;
    this.replication = replication;
  }

  public static PolicyScheduler start(
      Pools pools,
      Profiles profiles,
      ScheduledReplication replication,
      Clock clock,
      Duration period) {
    ScheduledExecutorService t =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread th = new Thread(r, "granary-scheduler");
              th.setDaemon(true);
              return th;
            });
    AutoSnapshots snapshots = new AutoSnapshots(pools, profiles);
    AlertWatch alerts = new AlertWatch(pools);
    t.scheduleWithFixedDelay(
        () -> {
          alerts.check();
          snapshots.tick(clock.instant());
          replication.tick(clock.instant());
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return new PolicyScheduler(t, replication);
  }

  /** Stops ticking, waits for a tick under way, then stops the replications it started. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdown();
    thread.awaitTermination(30, TimeUnit.SECONDS);
    replication.close();
  }
}
