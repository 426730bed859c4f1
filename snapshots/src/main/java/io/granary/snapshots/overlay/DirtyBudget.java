package io.granary.snapshots.overlay;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The memory all volumes' dirty blocks may take together. A writer that finds it spent asks
 * for flushes and waits: back-pressure instead of running out of memory. A single request
 * larger than the whole budget is let through when nothing else is dirty.
 */
public final class DirtyBudget {
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
      used += bytes;
    }
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
