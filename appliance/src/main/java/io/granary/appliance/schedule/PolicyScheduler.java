package io.granary.appliance.schedule;

import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's periodic duties on one thread: automatic snapshots and pool alerts. It ticks
 * every {@code period} of real time and reads the (possibly sped-up) clock at each tick.
 */
public final class PolicyScheduler implements AutoCloseable {
  private final ScheduledExecutorService thread;

  private PolicyScheduler(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  public static PolicyScheduler start(
      Pools pools, Profiles profiles, Clock clock, Duration period) {
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
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return new PolicyScheduler(t);
  }

  /** Stops ticking and waits for a tick under way. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdown();
    thread.awaitTermination(30, TimeUnit.SECONDS);
  }
}
