package io.granary.snapshots.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The write throttle: no delay below 60 % of the bound, then a delay that grows smoothly. */
class DirtyBudgetTest {
  private static final long LIMIT = 1000;

  @Test
  void noDelayUpToSixtyPercentThenGrowingWithoutAStep() {
    assertEquals(0, DirtyBudget.delayNanos(0, LIMIT));
    assertEquals(0, DirtyBudget.delayNanos(600, LIMIT));
    long previous = 0;
    for (long used = 601; used < LIMIT; used++) {
      long d = DirtyBudget.delayNanos(used, LIMIT);
      assertTrue(d >= previous, "the delay fell at " + used);
      assertTrue(d - previous < 100_000_000, "a step at " + used);
      previous = d;
    }
    assertEquals(100_000, DirtyBudget.delayNanos(800, LIMIT), "halfway: the scale");
    assertTrue(DirtyBudget.delayNanos(601, LIMIT) < 1_000, "just past 60 %: almost nothing");
  }

  @Test
  void aWriterPastSixtyPercentIsDelayedAndOneBelowIsNot() throws Exception {
    DirtyBudget.Share b = new DirtyBudget(LIMIT).share();
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      b.acquire(1, () -> {});
      b.release(1);
    }
    long fast = System.nanoTime() - t0;
    b.acquire(990, () -> {}); // 99 %: about 4 ms a write
    t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      b.acquire(1, () -> {});
      b.release(1);
    }
    long slow = System.nanoTime() - t0;
    // Half of the delays at least: a park may end early, now and then.
    assertTrue(slow >= 50 * DirtyBudget.delayNanos(990, LIMIT), "not delayed: " + slow + " ns");
    assertTrue(fast < slow / 10, "delayed below 60 %: " + fast + " ns against " + slow);
  }

  @Test
  void aPoolWaitsWhileAnotherHoldsTheWholeBudgetAndGoesOnWhenItReleases() throws Exception {
    DirtyBudget b = new DirtyBudget(LIMIT);
    DirtyBudget.Share first = b.share();
    DirtyBudget.Share second = b.share();
    first.acquire(LIMIT, () -> {});
    AtomicInteger asked = new AtomicInteger();
    CountDownLatch in = new CountDownLatch(1);
    Thread writer =
        new Thread(
            () -> {
              try {
                second.acquire(100, asked::incrementAndGet);
                in.countDown();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    writer.start();
    assertFalse(in.await(300, TimeUnit.MILLISECONDS), "let in past a budget another pool holds");
    assertTrue(asked.get() > 0, "the waiting pool asks for flushes");
    first.release(LIMIT);
    assertTrue(in.await(5, TimeUnit.SECONDS), "still waiting after the release");
    writer.join();
    assertEquals(100, b.usedBytes());
    assertEquals(0, first.used());
    assertEquals(100, second.used());
  }

  @Test
  void admissionSeesOnlyItsOwnPoolsDirtyBytes() throws Exception {
    DirtyBudget b = new DirtyBudget(LIMIT);
    DirtyBudget.Share first = b.share();
    DirtyBudget.Share second = b.share();
    first.acquire(300, () -> {});
    second.force(50);
    long[] seen = {-1};
    second.acquire(10, (used, bytes) -> seen[0] = used, () -> {});
    assertEquals(50, seen[0]);
    assertEquals(360, b.usedBytes());
  }

  @Test
  void tryAcquireTakesOnlyWhatNeedsNoWaitAndNoDelay() throws Exception {
    DirtyBudget b = new DirtyBudget(LIMIT);
    DirtyBudget.Share share = b.share();
    assertTrue(share.tryAcquire(600, DirtyBudget.Admission.ANY));
    assertTrue(share.tryAcquire(1, DirtyBudget.Admission.ANY), "at 60 %: not delayed yet");
    assertFalse(share.tryAcquire(1, DirtyBudget.Admission.ANY), "past 60 %: would be delayed");
    assertEquals(601, b.usedBytes(), "nothing taken by the refusal");
    share.release(601);
    assertTrue(share.tryAcquire(LIMIT + 1, DirtyBudget.Admission.ANY), "alone, as acquire");
    share.release(LIMIT + 1);
    share.acquire(300, () -> {});
    assertFalse(share.tryAcquire(LIMIT, DirtyBudget.Admission.ANY), "past the limit: would wait");
    assertEquals(300, share.used());
    assertThrows(
        IOException.class,
        () ->
            share.tryAcquire(
                1,
                (used, bytes) -> {
                  throw new IOException("full");
                }));
    assertEquals(300, share.used());
  }
}
