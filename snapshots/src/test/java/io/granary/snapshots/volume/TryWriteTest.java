package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeFullException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Volume.tryWrite}: a write made at once when it needs no waiting, the same as {@code
 * write} then; nothing at all when it would wait.
 */
class TryWriteTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** A small dirty bound, no flush by itself: what is written stays dirty while the test looks. */
  private TestPool pool() throws Exception {
    return new TestPool(
        dir, c -> c.withDirtyLimit(16L * MIB, 1L << 30).withFlushInterval(Duration.ofHours(1)));
  }

  @Test
  void writesWhatWriteWouldAndSurvivesARestart() throws Exception {
    byte[] data = TestData.random(1, 10_000);
    try (TestPool pool = pool()) {
      pool.volumes().create("v", VolumeSpec.ofSize(4L * MIB));
      try (Volume v = pool.volumes().open("v")) {
        assertTrue(v.tryWrite(12_345, data, 0, data.length));
        byte[] back = new byte[data.length];
        v.read(12_345, back, 0, back.length);
        assertArrayEquals(data, back);
        v.flush(); // the intent reaches the journal like any other write's
      }
      assertEquals(data.length, pool.volumes().stats("v").bytesWritten());
      pool.reopen();
      try (Volume v = pool.volumes().open("v")) {
        byte[] back = new byte[data.length];
        v.read(12_345, back, 0, back.length);
        assertArrayEquals(data, back);
      }
    }
  }

  /**
   * Past 60 % of the dirty bound a write would be delayed: tryWrite refuses and writes nothing.
   * The pool's ticker flushes a pool past half its bound within half a second, so in a rare run
   * a flush gets between the fill and the try: then the try may write, and must write exactly.
   */
  @Test
  void refusesWithoutWritingWhenTheDirtyMemoryWouldDelayIt() throws Exception {
    try (TestPool pool = pool()) {
      pool.volumes().create("v", VolumeSpec.ofSize(64L * MIB));
      try (Volume v = pool.volumes().open("v")) {
        byte[] fill = TestData.random(2, 10 * MIB); // 62 % of the bound
        byte[] data = TestData.random(3, 4096);
        byte[] back = new byte[4096];
        v.write(0, fill, 0, fill.length, false);
        if (!v.tryWrite(32L * MIB, data, 0, data.length)) {
          v.read(32L * MIB, back, 0, back.length);
          assertArrayEquals(new byte[4096], back, "refused, yet written");
          long dirty = pool.volumes().usage().dirtyBytes();
          assertTrue(dirty <= 10L * MIB, "the try kept memory: " + dirty);
          v.write(32L * MIB, data, 0, data.length, false); // the caller's way on
        }
        v.read(32L * MIB, back, 0, back.length);
        assertArrayEquals(data, back);
      }
    }
  }

  @Test
  void failsAsWriteDoesOutOfRangeAndInAFullPool() throws Exception {
    try (TestPool pool = pool()) {
      pool.volumes().create("v", VolumeSpec.ofSize(MIB));
      try (Volume v = pool.volumes().open("v")) {
        byte[] data = TestData.random(4, 4096);
        assertThrows(OutOfRangeException.class, () -> v.tryWrite(MIB - 100, data, 0, 4096));
        pool.volumes().setLimits(new SpaceLimits(1, Long.MAX_VALUE));
        assertThrows(VolumeFullException.class, () -> v.tryWrite(0, data, 0, 4096));
        assertEquals(0, pool.volumes().usage().dirtyBytes());
      }
    }
  }
}
