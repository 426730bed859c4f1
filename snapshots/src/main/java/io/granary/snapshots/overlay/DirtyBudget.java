package io.granary.snapshots.overlay;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory all volumes' dirty blocks may take together. Past {@link #DELAY_FROM} of it a
 * writer is delayed, more the fuller it is (OpenZFS's write throttle: the delay grows as
 * {@code (used - 60 %) / (limit - used)}), so that writers slow down smoothly to the rate the
 * flushes drain instead of running at full speed into a wall; a writer that finds it spent asks
 * for flushes and waits: back-pressure instead of running out of memory. A single request
 * larger than the whole budget is let through when nothing else is dirty.
 */
public final class DirtyBudget {
  /** The share of the limit past which writers are delayed. */
  public static final double DELAY_FROM = 0.6;

  /** The delay halfway between {@link #DELAY_FROM} and the limit. */
  private static final long DELAY_SCALE_NANOS = 100_000;

  private static final long MAX_DELAY_NANOS = 100_000_000;

  private final long limit;
  private long used;

  public DirtyBudget(long limit) {
    this.limit = limit;
  }

  /** What a waiting writer does while it waits: ask for flushes, give up when hopeless. */
  @FunctionalInterface
  public interface Pressure {
    /**
     * Called about every 100 ms of waiting, under the budget's monitor: it may schedule work
     * but must not wait for it. Throwing stops the wait.
     */
    void waiting() throws IOException;
  }

  /** A rule on what may become dirty at all (the pool's capacity), whatever memory is free. */
  @FunctionalInterface
  public interface Admission {
    Admission ANY = (used, bytes) -> {};

    /**
     * Throws to refuse {@code bytes} more when {@code used} are taken. Called under the
     * budget's monitor, before and during any wait: it must neither block nor do I/O.
     */
    void admit(long used, long bytes) throws IOException;
  }

  public void acquire(long bytes, Pressure pressure) throws IOException {
    acquire(bytes, Admission.ANY, pressure);
  }

  /** Takes {@code bytes}, waiting for memory, once {@code admission} lets them in. */
  public void acquire(long bytes, Admission admission, Pressure pressure) throws IOException {
    long delay;
    synchronized (this) {
      admission.admit(used, bytes);
      while (used > 0 && used + bytes > limit) {
        pressure.waiting();
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for dirty memory");
        }
        admission.admit(used, bytes);
      }
      delay = delayNanos(used, limit);
      used += bytes;
    }
    if (delay > 0) {
      LockSupport.parkNanos(delay);
    }
  }

  /** How long a writer that finds {@code used} of {@code limit} taken is delayed. */
  static long delayNanos(long used, long limit) {
    long from = (long) (limit * DELAY_FROM);
    if (used <= from || limit <= 0) {
      return 0;
    }
    if (used >= limit) {
      return MAX_DELAY_NANOS;
    }
    double d = (double) DELAY_SCALE_NANOS * (used - from) / (limit - used);
    return (long) Math.min(d, MAX_DELAY_NANOS);
  }

  /** Takes memory without waiting (journal replay on open). */
  public synchronized void force(long bytes) {
    used += bytes;
  }

  public synchronized void release(long bytes) {
    used -= bytes;
    notifyAll();
  }

  public synchronized long used() {
    return used;
  }

  public long limit() {
    return limit;
  }
}
