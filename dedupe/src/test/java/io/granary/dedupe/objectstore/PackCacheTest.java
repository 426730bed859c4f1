package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read cache of pack pages: loads once, never past its cap, and survives a restart. */
class PackCacheTest {
  private static final int PAGE = PackCache.PAGE;
  @TempDir Path dir;
  private final AtomicInteger loads = new AtomicInteger();

  /** Pack p's page n: PAGE bytes of its own. */
  private byte[] page(int packId, long page) {
    loads.incrementAndGet();
    return TestData.random(packId * 1000L + page, PAGE);
  }

  private byte[] read(PackCache c, int packId, long at, int length) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(length);
    assertEquals(length, c.read(packId, at, dst, this::page));
    return dst.array();
  }

  @Test
  void aPageIsLoadedOnceAndReadFromItsFileAfter() throws Exception {
    PackCache c = new PackCache(dir, 4L * PAGE);
    byte[] p3 = page(7, 3);
    loads.set(0);
    assertArrayEquals(Arrays.copyOfRange(p3, 100, 4196), read(c, 7, 3L * PAGE + 100, 4096));
    assertArrayEquals(Arrays.copyOfRange(p3, 5000, 9096), read(c, 7, 3L * PAGE + 5000, 4096));
    assertEquals(1, loads.get());
    assertEquals(1, c.hits());
    assertEquals(1, c.misses());
    assertEquals(PAGE, c.usedBytes());
  }

  @Test
  void theCapIsNeverPassedAndTheLeastRecentlyUsedGoesFirst() throws Exception {
    PackCache c = new PackCache(dir, 3L * PAGE);
    for (int n = 0; n < 3; n++) {
      read(c, 1, (long) n * PAGE, 10);
    }
    read(c, 1, 0, 10); // page 0 used again: page 1 is now the oldest
    read(c, 1, 3L * PAGE, 10);
    assertTrue(c.usedBytes() <= 3L * PAGE);
    loads.set(0);
    read(c, 1, 0, 10);
    read(c, 1, 2L * PAGE, 10);
    assertEquals(0, loads.get(), "pages 0 and 2 stayed");
    read(c, 1, PAGE, 10);
    assertEquals(1, loads.get(), "page 1 went");
    c.forget(1);
    assertEquals(0, c.usedBytes());
  }

  @Test
  void pagesOfAnEarlierRunAreKeptWithinTheCap() throws Exception {
    PackCache first = new PackCache(dir, 8L * PAGE);
    for (int n = 0; n < 5; n++) {
      read(first, 2, (long) n * PAGE, 10);
    }
    PackCache second = new PackCache(dir, 3L * PAGE);
    assertEquals(3L * PAGE, second.usedBytes());
    loads.set(0);
    byte[] p4 = page(2, 4);
    loads.set(0);
    assertArrayEquals(Arrays.copyOf(p4, 10), read(second, 2, 4L * PAGE, 10));
    assertEquals(0, loads.get(), "the newest pages were kept");
  }

  @Test
  void aFailedLoadFailsTheReadAndIsTriedAgainNextTime() throws Exception {
    PackCache c = new PackCache(dir, 4L * PAGE);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                c.read(
                    5,
                    0,
                    ByteBuffer.allocate(10),
                    (p, n) -> {
                      throw new IOException("HTTP 503 SlowDown");
                    }));
    assertEquals("HTTP 503 SlowDown", e.getMessage());
    assertEquals(0, c.usedBytes());
    read(c, 5, 0, 10);
    assertEquals(PAGE, c.usedBytes());
  }
}
