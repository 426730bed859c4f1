package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits' arithmetic on a fake clock: every wait asked for, to the millisecond, no sleep. */
class ThrottledObjectStoreTest {
  private static final long MS = 1_000_000;
  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final List<Long> sleeps = new ArrayList<>();
  private final MemoryObjectStore inner = new MemoryObjectStore();
  @TempDir Path dir;

  private ThrottledObjectStore limited(double requestsPerSecond, long bytesPerSecond) {
    return ThrottledObjectStore.limit(
        inner,
        requestsPerSecond,
        bytesPerSecond,
        now::get,
        nanos -> {
          sleeps.add(nanos / MS);
          now.addAndGet(nanos);
        });
  }

  @Test
  void requestsGoAtTheRateAfterABurstOfOneSecondsWorth() throws Exception {
    ThrottledObjectStore store = limited(10, 0);
    for (int i = 0; i < 10; i++) {
      store.size("k");
    }
    assertEquals(List.of(), sleeps, "the burst");
    for (int i = 0; i < 5; i++) {
      store.size("k");
    }
    assertEquals(List.of(100L, 100L, 100L, 100L, 100L), sleeps);
    assertEquals(500 * MS, store.waitedNanos());
    now.addAndGet(60_000 * MS); // idle for a minute: one second's worth saved, no more
    sleeps.clear();
    for (int i = 0; i < 11; i++) {
      store.delete("k");
    }
    assertEquals(List.of(100L), sleeps);
  }

  @Test
  void bytesAreChargedBeforeAPutOrRangedGetAndAfterAWholeGet() throws Exception {
    ThrottledObjectStore store = limited(0, 1_000);
    store.putIfAbsent("a", new byte[1_500]); // 1,000 in the bucket: 500 owed
    assertEquals(List.of(500L), sleeps);
    Path file = Files.write(dir.resolve("pack"), new byte[700]);
    store.putIfAbsent("b", file);
    assertEquals(List.of(500L, 700L), sleeps);
    store.get("a", 100, 250); // by the range asked for
    assertEquals(List.of(500L, 700L, 250L), sleeps);
    store.get("a"); // nothing owed before it; its 1,500 bytes after it
    assertEquals(3, sleeps.size());
    store.list(""); // a request moving no bytes still waits for what the GET brought
    assertEquals(List.of(500L, 700L, 250L, 1_500L), sleeps);
    assertEquals(2_950 * MS, store.waitedNanos());
  }

  /** The lease's renewals never wait behind an upload: charged, so the next request waits. */
  @Test
  void swapsAndReadsAreChargedButNeverWait() throws Exception {
    ThrottledObjectStore store = limited(1, 1_000);
    store.size("k"); // the one request of the burst
    String tag = store.swap("lease", new byte[3_000], null);
    store.swap("lease", new byte[10], tag);
    store.read("lease");
    assertEquals(List.of(), sleeps);
    store.size("k"); // three requests and 2,010 bytes owed
    assertEquals(List.of(4_000L), sleeps, "four requests at 1/s, not the bytes' 2 s");
  }

  @Test
  void eachBatchOfADeleteIsOneRequest() throws Exception {
    ThrottledObjectStore store = limited(1, 0);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2 * ObjectStore.DELETE_BATCH + 1; i++) {
      keys.add("k" + i);
    }
    store.deleteAll(keys);
    assertEquals(List.of(1_000L, 1_000L), sleeps);
  }

  @Test
  void noLimitsNoWaits() throws Exception {
    ThrottledObjectStore store = limited(0, -1);
    for (int i = 0; i < 1_000; i++) {
      store.putIfAbsent("k" + (i % 10), new byte[1 << 10]);
      store.get("k" + (i % 10), 0, 1 << 20);
    }
    assertEquals(List.of(), sleeps);
    assertEquals(0, store.waitedNanos());
  }

  @Test
  void anInterruptedWaitMakesNoRequestAndKeepsTheInterrupt() throws Exception {
    ThrottledObjectStore store =
        ThrottledObjectStore.limit(
            inner,
            1,
            0,
            now::get,
            nanos -> {
              throw new InterruptedException();
            });
    store.putIfAbsent("first", new byte[1]);
    assertThrows(InterruptedIOException.class, () -> store.putIfAbsent("second", new byte[1]));
    assertTrue(Thread.interrupted(), "the interrupt kept (and cleared here)");
    assertFalse(inner.size("second") >= 0, "the request was not made");
    assertEquals(0, store.waitedNanos());
  }
}
