package io.granary.nbd.testing;

import io.granary.nbd.api.RequestPacer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Records what it is asked and answers a fixed delay, so tests can see which requests were
 * paced with which cost, and wait until the server has received them.
 */
public final class RecordingPacer implements RequestPacer {
  /** One question asked of the pacer. */
  public record Asked(boolean write, long bytes) {}

  private final long delayNanos;
  private final List<Asked> asked = new ArrayList<>();

  public RecordingPacer(long delay, TimeUnit unit) {
    this.delayNanos = unit.toNanos(delay);
  }

  @Override
  public synchronized long delayNanos(boolean write, long bytes) {
    asked.add(new Asked(write, bytes));
    notifyAll();
    return delayNanos;
  }

  /** Everything asked so far, in order. */
  public synchronized List<Asked> asked() {
    return List.copyOf(asked);
  }

  /** Waits up to 10 s until the pacer was asked {@code n} times in all. */
  public synchronized void awaitAsked(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (asked.size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("pacer asked " + asked.size() + " times, expected " + n);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
