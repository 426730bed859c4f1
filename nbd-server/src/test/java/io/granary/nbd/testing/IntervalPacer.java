package io.granary.nbd.testing;

import io.granary.nbd.api.RequestPacer;
import java.time.Duration;

/**
 * The simplest rate limit: one paced request per {@code interval}, whatever its size. Each
 * request takes the next free slot; a burst of N waits (N-1) intervals for its last one.
 */
public final class IntervalPacer implements RequestPacer {
  private final long intervalNanos;
  private long nextSlot;

  public IntervalPacer(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.nextSlot = System.nanoTime();
  }

  /** {@code n} requests a second. */
  public static IntervalPacer perSecond(int n) {
    return new IntervalPacer(Duration.ofNanos(1_000_000_000L / n));
  }

  @Override
  public synchronized long delayNanos(boolean write, long bytes) {
    long now = System.nanoTime();
    long slot = nextSlot - now > 0 ? nextSlot : now;
    nextSlot = slot + intervalNanos;
    return slot - now;
  }
}
