package io.granary.appliance.qos;

import java.util.function.LongSupplier;

/**
 * A token bucket that never refuses and never blocks: {@link #take} takes a request's tokens
 * at once, into debt if the bucket holds too few, and answers how long the request must wait
 * until the bucket would have held them. Requests that arrive while the bucket is in debt
 * queue behind the debt, so a steady stream runs at exactly {@code rate} whatever the number
 * in flight, and a request larger than the bucket still passes (it waits its share).
 *
 * <p>State: {@code tokens} (negative in debt), refilled at {@code rate} per second up to
 * {@code depth} from the time of the last call. A rate of 0 means no limit. Time comes from
 * the injected nanosecond clock, so tests move it by hand. Not thread-safe: its owner
 * ({@link VolumeThrottle}) serializes calls.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final LongSupplier nanoTime;
  private double rate;
  private double depth;
  private double tokens;
  private long last;

  /** A full bucket of {@code depth} tokens refilled at {@code rate} per second; rate 0: no limit. */
  TokenBucket(long rate, long depth, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
    this.rate = rate;
    this.depth = Math.max(1, depth);
    this.tokens = this.depth;
  }

  /** Takes {@code n} tokens now; answers the nanoseconds until they were due (0: at once). */
  long take(long n) {
    if (rate == 0) {
      return 0;
    }
    refill();
    tokens -= n;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / rate);
  }

  /**
   * Changes the rate and depth from now on. What was earned under the old rate is kept (up
   * to the new depth), and so is a debt: the requests already admitted are paid for at the
   * new rate. A bucket that had no limit starts full.
   */
  void setLimits(long newRate, long newDepth) {
    boolean wasUnlimited = rate == 0;
    refill();
    rate = newRate;
    depth = Math.max(1, newDepth);
    tokens = wasUnlimited || newRate == 0 ? depth : Math.min(tokens, depth);
  }

  long rate() {
    return rate == 0 ? 0 : (long) rate;
  }

  /** The tokens held now: negative while in debt. */
  double tokens() {
    refill();
    return tokens;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    long elapsed = now - last;
    last = now;
    if (elapsed > 0 && rate > 0) {
      tokens = Math.min(depth, tokens + elapsed * rate / NANOS_PER_SECOND);
    }
  }
}
