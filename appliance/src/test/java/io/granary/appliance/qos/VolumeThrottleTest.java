package io.granary.appliance.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.policy.QosLimits;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A volume's IOPS and bandwidth buckets together, on a clock moved by hand. */
class VolumeThrottleTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int KIB = 1024;

  private final AtomicLong now = new AtomicLong(5_000_000_000L);

  private VolumeThrottle throttle(long iops, long bandwidth, long burst) {
    return new VolumeThrottle(new QosLimits(iops, bandwidth, burst), now::get);
  }

  @Test
  void noLimitNeverWaitsAndCountsNothing() {
    VolumeThrottle t = throttle(0, 0, 0);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, t.delayNanos(i % 2 == 0, 1 << 20));
    }
    assertEquals(0, t.throttledNanos());
  }

  @Test
  void anIopsLimitCountsRequestsWhateverTheirSize() {
    VolumeThrottle t = throttle(100, 0, 2);
    assertEquals(0, t.delayNanos(false, 1 << 20));
    assertEquals(0, t.delayNanos(true, 4 * KIB));
    assertEquals(10 * MS, t.delayNanos(false, 512));
    assertEquals(20 * MS, t.delayNanos(true, 0), "a trim costs an I/O too");
  }

  @Test
  void theBurstIsTheIopsBucketsDepthAndDefaultsToOneSecond() {
    VolumeThrottle burst = throttle(100, 0, 20);
    for (int i = 0; i < 20; i++) {
      assertEquals(0, burst.delayNanos(false, 4 * KIB));
    }
    assertEquals(10 * MS, burst.delayNanos(false, 4 * KIB));

    VolumeThrottle second = throttle(100, 0, 0);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, second.delayNanos(false, 4 * KIB));
    }
    assertTrue(second.delayNanos(false, 4 * KIB) > 0);
  }

  @Test
  void aBandwidthLimitCountsBytesAndLetsZeroByteRequestsThrough() {
    VolumeThrottle t = throttle(0, 1 << 20, 0); // 1 MiB/s, one second deep
    assertEquals(0, t.delayNanos(true, 512 * KIB));
    assertEquals(0, t.delayNanos(false, 512 * KIB));
    assertEquals(500 * MS, t.delayNanos(true, 512 * KIB));
    assertEquals(0, t.delayNanos(true, 0), "write-zeroes moves no data");
    assertEquals(1000 * MS, t.delayNanos(false, 512 * KIB));
  }

  @Test
  void withBothLimitsARequestWaitsForTheLaterOfTheTwo() {
    VolumeThrottle t = throttle(10, 100 * KIB, 1); // 10 IOPS, 100 KiB/s
    assertEquals(0, t.delayNanos(false, 100 * KIB));
    assertEquals(1000 * MS, t.delayNanos(false, 100 * KIB), "bandwidth: 1 s; IOPS: 100 ms");
    now.addAndGet(1000 * MS);
    assertEquals(0, t.delayNanos(false, 0));
    assertEquals(100 * MS, t.delayNanos(false, 0), "no bytes: only the IOPS bucket is asked");
  }

  @Test
  void throttledTimeAddsUpEveryWait() {
    VolumeThrottle t = throttle(100, 0, 1);
    t.delayNanos(false, 0);
    t.delayNanos(false, 0); // 10 ms
    t.delayNanos(false, 0); // 20 ms
    assertEquals(30 * MS, t.throttledNanos());
  }

  @Test
  void newLimitsApplyToTheNextRequestAndKeepTheDebt() {
    VolumeThrottle t = throttle(500, 0, 1);
    t.delayNanos(false, 0);
    assertEquals(2 * MS, t.delayNanos(false, 0));
    t.setLimits(new QosLimits(1000, 0, 1));
    assertEquals(2 * MS, t.delayNanos(false, 0), "1 I/O owed and this one, at 1000/s");
    now.addAndGet(2 * MS);
    assertEquals(1 * MS, t.delayNanos(false, 0));

    t.setLimits(QosLimits.NONE);
    assertEquals(0, t.delayNanos(false, 1 << 30));
    t.setLimits(new QosLimits(1000, 0, 3));
    assertEquals(0, t.delayNanos(false, 0), "limited again: a full bucket");
  }

  @Test
  void acquireSleepsForTheWaitInRealTime() throws Exception {
    VolumeThrottle t = throttle(20, 0, 1);
    t.acquire(false, 4 * KIB);
    long start = System.nanoTime();
    t.acquire(false, 4 * KIB); // 50 ms due
    long slept = System.nanoTime() - start;
    assertTrue(slept >= 45 * MS, "slept " + slept / MS + " ms");
  }

  @Test
  void anInterruptedWaitFailsAndKeepsTheInterrupt() {
    VolumeThrottle t = throttle(1, 0, 1);
    t.delayNanos(false, 0);
    Thread.currentThread().interrupt();
    try {
      assertThrows(InterruptedIOException.class, () -> t.acquire(false, 0));
      assertTrue(Thread.interrupted());
    } finally {
      Thread.interrupted();
    }
  }
}
