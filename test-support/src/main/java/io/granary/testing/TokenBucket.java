package io.granary.testing;

/**
 * The bandwidth of one direction of a {@link WanLink}, as a token bucket: bytes leave at {@link
 * #rate} bytes a second on average, in bursts of at most {@link #burst} bytes (16 KiB or 10 ms
 * worth, whichever is more). A rate of 0 is no limit. The rate may change at any time; a take
 * after the change sees the new rate.
 *
 * <p>A taker that is told to wait does not hold a reservation: it naps and asks again, so that
 * a change of rate reaches it at its next attempt, and takers sharing the bucket (the
 * connections of one link) are served as they come, without fairness.
 */
final class TokenBucket {
  /** The smallest burst, whatever the rate. */
  static final int MIN_BURST = 16 << 10;

  private long rate; // bytes a second; 0: no limit
  private double tokens;
  private long refilledAt = System.nanoTime();

  TokenBucket(long bytesPerSecond) {
    setRate(bytesPerSecond);
    tokens = burst();
  }

  /** Bytes a second from now on; 0: no limit. */
  synchronized void setRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a negative bandwidth: " + bytesPerSecond);
    }
    refill(System.nanoTime());
    rate = bytesPerSecond;
    tokens = Math.min(tokens, burst());
  }

  synchronized long rate() {
    return rate;
  }

  /** The bucket's size: the most bytes that leave at once after a pause. */
  synchronized int burst() {
    return (int) Math.max(MIN_BURST, Math.min(rate / 100, 1 << 30));
  }

  /**
   * The most bytes one {@link #take} is worth asking for: half the bucket, so that a taker
   * waking late finds its tokens still short of a full bucket and loses none to the cap (asking
   * for a full bucket lost 8 % of the rate in tests); unlimited when the rate is.
   */
  synchronized int slice() {
    return rate == 0 ? Integer.MAX_VALUE : burst() / 2;
  }

  /**
   * Takes {@code n} tokens and answers 0, or takes none and answers how many nanoseconds until
   * there will be enough (a take larger than the burst waits for a full bucket, then leaves it in
   * debt).
   */
  synchronized long take(int n) {
    if (rate == 0) {
      return 0;
    }
    refill(System.nanoTime());
    double need = Math.min(n, burst());
    if (tokens >= need) {
      tokens -= n;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((need - tokens) * 1e9 / rate));
  }

  private void refill(long now) {
    if (rate > 0) {
      tokens = Math.min(burst(), tokens + (now - refilledAt) * (double) rate / 1e9);
    }
    refilledAt = now;
  }
}
