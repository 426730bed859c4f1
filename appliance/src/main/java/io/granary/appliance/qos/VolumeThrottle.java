package io.granary.appliance.qos;

import io.granary.appliance.policy.QosLimits;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One volume's QoS budget, shared by every NBD connection and open file on it: an IOPS bucket
 * (depth {@code burst}, or one second's worth) and a bandwidth bucket (one second's worth).
 * Reads and writes draw on the same budget: a read or write costs one I/O and its length; a
 * trim or write-zeroes one I/O and no bytes; flush and block status cost nothing.
 *
 * <p>Two ways to pay: {@link #delayNanos} takes the request's share and answers how long it
 * must wait, without blocking (NBD holds the request on its event loop's timer meanwhile);
 * {@link #acquire} takes the share and sleeps that long (FUSE, whose threads are per
 * request). The two buckets are taken together under this object's lock; a volume without
 * limits never takes it. Limits change live ({@link #setLimits}); {@link #throttledNanos}
 * adds up every wait imposed, so with N requests waiting at once it grows N times faster than
 * the clock.
 */
public final class VolumeThrottle {
  private final TokenBucket ops;
  private final TokenBucket bytes;
  private final LongAdder throttled = new LongAdder();
  private volatile QosLimits limits;

  public VolumeThrottle(QosLimits limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.ops = new TokenBucket(limits.iops(), limits.iopsDepth(), nanoTime);
    this.bytes = new TokenBucket(limits.bandwidth(), limits.bandwidth(), nanoTime);
  }

  /**
   * Takes one I/O of {@code length} bytes (0 for trim and write-zeroes) from the budget now;
   * answers the nanoseconds it must wait before it runs, 0 for at once. Never blocks on
   * anything but this throttle's short lock.
   */
  public long delayNanos(boolean write, long length) {
    if (!limits.limited()) {
      return 0;
    }
    long wait;
    synchronized (this) {
      wait = Math.max(ops.take(1), length > 0 ? bytes.take(length) : 0);
    }
    if (wait > 0) {
      throttled.add(wait);
    }
    return wait;
  }

  /**
   * Takes the I/O's share as {@link #delayNanos} does, then sleeps for the wait.
   *
   * @throws InterruptedIOException if the thread is interrupted while it waits (its share
   *     stays spent)
   */
  public void acquire(boolean write, long length) throws InterruptedIOException {
    long wait = delayNanos(write, length);
    if (wait <= 0) {
      return;
    }
    // Sleeping is always in real time, whatever clock the buckets run on.
    long deadline = System.nanoTime() + wait;
    for (long left = wait; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while the volume's QoS limit held the I/O");
      }
    }
  }

  /**
   * Applies new limits to the requests that come from now on. The buckets keep what they
   * hold (capped at their new depth) and any debt; a bucket that had no limit starts full.
   */
  public synchronized void setLimits(QosLimits newLimits) {
    ops.setLimits(newLimits.iops(), newLimits.iopsDepth());
    bytes.setLimits(newLimits.bandwidth(), newLimits.bandwidth());
    limits = newLimits;
  }

  public QosLimits limits() {
    return limits;
  }

  /** Every wait this throttle imposed, in nanoseconds, added up. */
  public long throttledNanos() {
    return throttled.sum();
  }
}
