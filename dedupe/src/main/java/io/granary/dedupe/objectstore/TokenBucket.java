package io.granary.dedupe.objectstore;

import java.util.function.LongSupplier;

/**
 * A token bucket that lends: {@link #take} always succeeds, the bucket going into debt when it
 * holds too few tokens, and says how long the taker is to wait until the debt is repaid. It
 * refills at {@code perSecond} and holds at most one second's worth (the burst allowed). A taker
 * waiting its turn is thereby queued behind every token taken before it, so the average rate
 * stays {@code perSecond} whatever the sizes of the takes, one larger than a second's worth
 * included (it waits for the whole of it).
 *
 * <p>Time comes from {@code nanoTime} (injected: {@link System#nanoTime} in use, a fake in
 * tests); the bucket never sleeps itself. Thread-safe, under this object's monitor.
 */
final class TokenBucket {
  private final double perSecond;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /** A full bucket; {@code perSecond} is positive. */
  TokenBucket(double perSecond, LongSupplier nanoTime) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("a rate of " + perSecond + " per second");
    }
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.tokens = perSecond;
    this.last = nanoTime.getAsLong();
  }

  /** Takes {@code amount} tokens; returns the nanoseconds to wait before using them (0: none). */
  synchronized long take(double amount) {
    long now = nanoTime.getAsLong();
    tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
    last = now;
    tokens -= amount;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1e9);
  }
}
