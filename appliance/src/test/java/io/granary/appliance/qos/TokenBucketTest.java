package io.granary.appliance.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock moved by hand: rates, depth, debt, and limits changed live. */
class TokenBucketTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private TokenBucket bucket(long rate, long depth) {
    return new TokenBucket(rate, depth, now::get);
  }

  @Test
  void aFullBucketLetsItsDepthGoAtOnceThenOneTokenPerInterval() {
    TokenBucket b = bucket(100, 10);
    for (int i = 0; i < 10; i++) {
      assertEquals(0, b.take(1), "token " + i + " of the burst");
    }
    assertEquals(10 * MS, b.take(1));
  }

  @Test
  void requestsInDebtQueueBehindIt() {
    TokenBucket b = bucket(100, 1);
    assertEquals(0, b.take(1));
    assertEquals(10 * MS, b.take(1));
    assertEquals(20 * MS, b.take(1));
    assertEquals(30 * MS, b.take(1));
    now.addAndGet(30 * MS); // the three paid for: the bucket is empty, not in debt
    assertEquals(10 * MS, b.take(1));
  }

  @Test
  void refillsAtItsRateUpToItsDepth() {
    TokenBucket b = bucket(100, 10);
    b.take(10);
    now.addAndGet(50 * MS);
    assertEquals(5, b.tokens(), 1e-9);
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertEquals(10, b.tokens(), 1e-9, "a long quiet spell earns one bucket, not a minute's worth");
  }

  @Test
  void aRequestLargerThanTheBucketStillPassesAfterItsShare() {
    TokenBucket b = bucket(1000, 1000); // bytes: 1000 B/s, one second's worth deep
    assertEquals(TimeUnit.SECONDS.toNanos(4), b.take(5000));
  }

  @Test
  void rateZeroIsNoLimit() {
    TokenBucket b = bucket(0, 0);
    for (int i = 0; i < 100_000; i++) {
      assertEquals(0, b.take(1 << 20));
    }
  }

  @Test
  void aNewRateKeepsTheDebtAndPaysItAtTheNewRate() {
    TokenBucket b = bucket(100, 1);
    b.take(1);
    b.take(10); // 10 tokens of debt: 100 ms at 100/s
    b.setLimits(1000, 1000);
    assertEquals(-10, b.tokens(), 1e-9);
    assertEquals(11 * MS, b.take(1), "11 tokens owed at 1000/s");
  }

  @Test
  void aSmallerDepthCapsWhatTheBucketHolds() {
    TokenBucket b = bucket(100, 100);
    b.setLimits(100, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, b.take(1));
    }
    assertEquals(10 * MS, b.take(1));
  }

  @Test
  void aBucketThatHadNoLimitStartsFullAndOneThatLosesItsLimitForgetsItsDebt() {
    TokenBucket b = bucket(0, 0);
    b.setLimits(10, 3);
    assertEquals(0, b.take(3));
    assertEquals(100 * MS, b.take(1));
    b.setLimits(0, 0);
    assertEquals(0, b.take(1000));
    b.setLimits(10, 3);
    assertEquals(0, b.take(3), "full again, the old debt forgotten");
  }

  /**
   * A client keeping 16 requests in flight for 10 simulated seconds against 500 per second:
   * each request completes when its wait is over and is replaced at once. The rate is the
   * limit, plus the one burst the full bucket allowed at the start.
   */
  @Test
  void aSaturatingClientGetsTheRatePlusOneBurst() {
    TokenBucket b = bucket(500, 500);
    long start = now.get();
    long end = start + TimeUnit.SECONDS.toNanos(10);
    PriorityQueue<Long> inFlight = new PriorityQueue<>();
    for (int i = 0; i < 16; i++) {
      inFlight.add(start + b.take(1));
    }
    int done = 0;
    while (inFlight.peek() <= end) {
      now.set(inFlight.poll());
      done++;
      inFlight.add(now.get() + b.take(1));
    }
    assertTrue(done >= 5000 + 500 - 16 && done <= 5000 + 500 + 1, "completed " + done);
  }
}
