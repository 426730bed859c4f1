package io.granary.snapshots.volume;

import io.granary.snapshots.overlay.DirtyBudget;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When a pool's volumes flush: a ticker looks at every open volume twice a second and asks
 * for a background flush of those that are old ({@code flush-interval}), large ({@code
 * volume-flush}), whose journal has grown past twice that, or all with dirty data when the
 * process's dirty budget (shared by its pools) is more than half used. Flushes run on a fixed
 * set of flush workers, started with the pool so that the threads a pool costs are known when
 * it opens.
 *
 * <p>States: created (workers started, no ticks), {@link #start started}, ticks stopped
 * ({@link #stopTicks}: the volumes are closing), workers stopped ({@link #awaitWorkers}: queued
 * flushes finish, up to 30 s).
 *
 * <p>Not done here: the flush itself ({@link VolumeFlush}), and the flushes writers ask for
 * when they wait for dirty memory.
 */
final class FlushScheduler {
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService ticker;

  FlushScheduler(int threads) {
    AtomicInteger n = new AtomicInteger();
    workers =
        (ThreadPoolExecutor)
            Executors.newFixedThreadPool(
                threads, r -> daemon(r, "granary-flush-" + n.incrementAndGet()));
    workers.prestartAllCoreThreads();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "granary-flush-ticker"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The flush workers, which volumes queue their background flushes on. */
  ExecutorService workers() {
    return workers;
  }

  void start(VolumeContext ctx, OpenVolumes open) {
    ticker.scheduleWithFixedDelay(() -> tick(ctx, open), 500, 500, TimeUnit.MILLISECONDS);
  }

  private static void tick(VolumeContext ctx, OpenVolumes open) {
    ctx.space.refreshIfStale();
    long interval = ctx.config.flushInterval().toNanos();
    long large = ctx.config.volumeFlushBytes();
    // The whole process's budget: when it is tight, every pool flushes, not only the one
    // whose writers wait.
    DirtyBudget budget = ctx.budget.budget();
    boolean tight = budget.usedBytes() > budget.limitBytes() / 2;
    for (VolumeEngine e : open.all()) {
      if (e.hasDirtyData()
          && (tight
              || e.nanosSinceFlush() > interval
              || e.dirtyBytes() >= large
              || e.journalBytes() > 2 * large)) {
        e.requestFlush();
      }
    }
  }

  /** Stops the ticks at once; call {@link #awaitWorkers} once the volumes are closed. */
  void stopTicks() {
    ticker.shutdownNow();
  }

  /** Lets queued flushes finish (up to 30 s) and stops the workers. */
  void awaitWorkers() {
    workers.shutdown();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
