package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.SpaceReport;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStats;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.DiskUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Space comes back: deleting a snapshot or a volume and collecting frees its unique blocks. */
class VolumeSpaceTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void deletingSnapshotsAndVolumesThenCollectingReturnsTheSpace() throws Exception {
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("vm", new VolumeSpec(64L * MIB, 64 << 10, "none", "default"));
      try (Volume v = pool.volumes().open("vm")) {
        fill(v, 1);
        pool.volumes().snapshot("vm", "before");
        fill(v, 2); // every block differs from the snapshot's
        pool.volumes().flushAll();
      }
      pool.volumes().collectGarbage();
      long both = DiskUsage.of(dir);
      assertTrue(both > 128L * MIB, "head and snapshot are both stored: " + both);

      VolumeStats stats = pool.volumes().stats("vm");
      assertEquals(64L * MIB, stats.allocatedBytes());
      assertEquals(128L * MIB, stats.uniqueBytes(), "head and snapshot blocks are all its own");
      assertEquals(0, stats.sharedBytes());

      pool.volumes().deleteSnapshot("vm", "before");
      SpaceReport r = pool.volumes().collectGarbage();
      long one = DiskUsage.of(dir);
      assertTrue(r.chunksFreed() >= 1024, r.toString());
      assertTrue(one < both - 60L * MIB, "the snapshot's 64 MiB came back: " + both + " -> " + one);

      pool.volumes().delete("vm", false);
      pool.volumes().collectGarbage();
      // Packs and journals: the index keeps a fixed reserve of allocated space, however empty.
      long none = DiskUsage.of(dir.resolve("store/packs")) + DiskUsage.of(dir.resolve("journal"));
      assertTrue(none < 4L * MIB, "an empty pool is small again: " + none);
    }
  }

  @Test
  void clonesShareBlocksUntilTheyDiverge() throws Exception {
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("golden", new VolumeSpec(16L * MIB, 64 << 10, "none", "default"));
      try (Volume v = pool.volumes().open("golden")) {
        fill(v, 3);
      }
      pool.volumes().snapshot("golden", "img");
      pool.volumes().flushAll();
      pool.volumes().collectGarbage();
      long before = DiskUsage.of(dir);
      for (int i = 0; i < 10; i++) {
        pool.volumes().clone("golden", "img", "vm" + i);
      }
      try (Volume c = pool.volumes().open("vm0")) {
        c.write(0, new byte[65536], 0, 65536, false); // one block of zeroes: a hole now
        byte[] one = new byte[65536];
        new Random(9).nextBytes(one);
        c.write(65536, one, 0, one.length, false);
      }
      pool.volumes().flushAll();
      long after = DiskUsage.of(dir);
      assertTrue(
          after < before + 2L * MIB, "ten clones cost almost nothing: " + before + " -> " + after);
      VolumeStats s = pool.volumes().stats("vm0");
      assertEquals(64L << 10, s.uniqueBytes(), "one block is its own");
      assertEquals(16L * MIB - 2 * (64 << 10), s.sharedBytes());
    }
  }

  private static void fill(Volume v, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] buf = new byte[MIB];
    for (long off = 0; off < v.size(); off += MIB) {
      r.nextBytes(buf);
      v.write(off, buf, 0, buf.length, false);
    }
  }
}
