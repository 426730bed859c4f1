package io.granary.nbd.testing;

import io.granary.snapshots.api.ForwardingVolume;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A gate that the reads and writes of the volumes it wraps wait at until the test opens it,
 * counting how many calls are inside at once and the most there ever were: what a server's
 * concurrency bound must hold to. Other calls pass straight through.
 */
public final class VolumeGate {
  private final Object lock = new Object();
  private boolean open;
  private int inside;
  private int peak;
  private long calls;

  /** {@code volume} with its reads and writes passing through this gate. */
  public Volume wrap(Volume volume) {
    return new Gated(volume);
  }

  /** Lets every waiting and future call through. */
  public void open() {
    synchronized (lock) {
      open = true;
      lock.notifyAll();
    }
  }

  /** Reads and writes inside right now, waiting at the gate or running. */
  public int inside() {
    synchronized (lock) {
      return inside;
    }
  }

  /** The most reads and writes that were ever inside at once. */
  public int peak() {
    synchronized (lock) {
      return peak;
    }
  }

  /** Reads and writes that entered so far. */
  public long calls() {
    synchronized (lock) {
      return calls;
    }
  }

  /** Waits until {@code n} calls are inside; false if that did not happen in time. */
  public boolean awaitInside(int n, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      while (inside < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  private void enter() throws IOException {
    synchronized (lock) {
      inside++;
      calls++;
      peak = Math.max(peak, inside);
      lock.notifyAll();
      try {
        while (!open) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        inside--;
        Thread.currentThread().interrupt();
        throw new IOException("interrupted at the gate", e);
      }
    }
  }

  private void leave() {
    synchronized (lock) {
      inside--;
    }
  }

  private final class Gated extends ForwardingVolume {
    Gated(Volume inner) {
      super(inner);
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
      enter();
      try {
        volume.read(offset, dst, off, len);
      } finally {
        leave();
      }
    }

    @Override
    public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
      enter();
      try {
        volume.write(offset, src, off, len, fua);
      } finally {
        leave();
      }
    }
  }
}
