package io.granary.snapshots.overlay;

import io.granary.snapshots.api.DirtyMemory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory all volumes' dirty blocks may take together, in every pool of the process: each
 * pool takes and gives back through its own {@link Share}, which counts that pool's part (its
 * capacity check looks at its own dirty bytes, not at other pools'). Past {@link #DELAY_FROM}
 * of the limit a writer is delayed, more the fuller it is (OpenZFS's write throttle: the delay
 * grows as {@code (used - 60 %) / (limit - used)}), so that writers slow down smoothly to the
 * rate the flushes drain instead of running at full speed into a wall; a writer that finds it
 * spent asks for flushes and waits: back-pressure instead of running out of memory. A single
 * request larger than the whole budget is let through when nothing else is dirty.
 *
 * <p>Locks: the budget's monitor guards the total and every share's count; waiting writers wait
 * on it, and every release wakes them all (a release in one pool may let a writer of another
 * in).
 */
public final class DirtyBudget implements DirtyMemory {
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
     * Throws to refuse {@code bytes} more when {@code used} are taken by the share's pool.
     * Called under the budget's monitor, before and during any wait: it must neither block
     * nor do I/O.
     */
    void admit(long used, long bytes) throws IOException;
  }

  /** A new share of this budget, for one pool. */
  public Share share() {
    return new Share();
  }

  @Override
  public long limitBytes() {
    return limit;
  }

  /** Bytes taken by every share together. */
  @Override
  public synchronized long usedBytes() {
    return used;
  }

  /** One pool's part of the budget. */
  public final class Share {
    private long mine;

    private Share() {}

    public void acquire(long bytes, Pressure pressure) throws IOException {
      acquire(bytes, Admission.ANY, pressure);
    }

    /** Takes {@code bytes}, waiting for memory, once {@code admission} lets them in. */
    public void acquire(long bytes, Admission admission, Pressure pressure) throws IOException {
      DirtyBudget.this.acquire(this, bytes, admission, pressure);
    }

    /**
     * Takes {@code bytes} if that needs neither a wait nor a delay (the budget under {@link
     * #DELAY_FROM}); false, having taken nothing, otherwise. For a caller that must not block.
     */
    public boolean tryAcquire(long bytes, Admission admission) throws IOException {
      synchronized (DirtyBudget.this) {
        admission.admit(mine, bytes);
        if ((used > 0 && used + bytes > limit) || delayNanos(used, limit) > 0) {
          return false;
        }
        used += bytes;
        mine += bytes;
        return true;
      }
    }

    /** Takes memory without waiting (journal replay on open). */
    public void force(long bytes) {
      synchronized (DirtyBudget.this) {
        used += bytes;
        mine += bytes;
      }
    }

    public void release(long bytes) {
      synchronized (DirtyBudget.this) {
        used -= bytes;
        mine -= bytes;
        DirtyBudget.this.notifyAll();
      }
    }

    /** Bytes this share holds. */
    public long used() {
      synchronized (DirtyBudget.this) {
        return mine;
      }
    }

    /** The whole budget this is a share of. */
    public DirtyBudget budget() {
      return DirtyBudget.this;
    }
  }

  private void acquire(Share share, long bytes, Admission admission, Pressure pressure)
      throws IOException {
    long delay;
    synchronized (this) {
      admission.admit(share.mine, bytes);
      while (used > 0 && used + bytes > limit) {
        pressure.waiting();
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for dirty memory");
        }
        admission.admit(share.mine, bytes);
      }
      delay = delayNanos(used, limit);
      used += bytes;
      share.mine += bytes;
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
}
