package io.granary.testing;

import java.time.Duration;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * One direction of a {@link WanLink} (client to server, or server to client), shared by all of
 * its connections: the one-way delay, the bandwidth, and the counts of what crossed.
 */
final class Lane {
  /** Meters the bytes as they leave the link, all connections together. */
  final TokenBucket bandwidth;

  private volatile long delayNanos;
  private final LongAdder delivered = new LongAdder();
  private final LongAccumulator peakBuffered = new LongAccumulator(Long::max, 0);

  Lane(Duration delay, long bytesPerSecond) {
    setDelay(delay);
    bandwidth = new TokenBucket(bytesPerSecond);
  }

  void setDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a negative delay: " + delay);
    }
    delayNanos = delay.toNanos();
  }

  long delayNanos() {
    return delayNanos;
  }

  /** Bytes written to the far side, every connection together. */
  long delivered() {
    return delivered.sum();
  }

  void delivered(long bytes) {
    delivered.add(bytes);
  }

  /** The most bytes one connection has held in this direction at once. */
  long peakBuffered() {
    return peakBuffered.get();
  }

  void buffered(long bytes) {
    peakBuffered.accumulate(bytes);
  }

  void resetCounters() {
    delivered.reset();
    peakBuffered.reset();
  }
}
