package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.snapshots.api.DirtyMemory;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pools opened with one {@link DirtyMemory} count their dirty blocks in it together. */
class SharedDirtyMemoryTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void twoPoolsShareOneBoundAndEachCountsItsOwnDirtyBytes() throws Exception {
    DirtyMemory dirty = VolumeStores.dirtyMemory(64L * MIB);
    try (ChunkStore a = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("a/store")));
        ChunkStore b = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("b/store")))) {
      VolumeStore poolA = VolumeStores.open(a, quiet(dir.resolve("a/journal")), dirty);
      VolumeStore poolB = VolumeStores.open(b, quiet(dir.resolve("b/journal")), dirty);
      try {
        write(poolA, 4);
        write(poolB, 2);
        assertEquals(6L * MIB, dirty.usedBytes());
        assertEquals(4L * MIB, poolA.usage().dirtyBytes());
        assertEquals(2L * MIB, poolB.usage().dirtyBytes());
        poolA.flushAll();
        assertEquals(2L * MIB, dirty.usedBytes());
        assertEquals(0, poolA.usage().dirtyBytes());
      } finally {
        poolA.close();
        poolB.close();
      }
      assertEquals(0, dirty.usedBytes());
    }
  }

  /** Nothing flushes by itself while the test looks: a long interval, a large volume bound. */
  private static VolumeStoreConfig quiet(Path journal) {
    return VolumeStoreConfig.defaults(journal)
        .withDirtyLimit(1L << 30, 1L << 30)
        .withFlushInterval(Duration.ofHours(1));
  }

  private static void write(VolumeStore pool, int mib) throws Exception {
    pool.create("v", VolumeSpec.ofSize(64L * MIB));
    try (Volume v = pool.open("v")) {
      byte[] data = TestData.random(mib, mib * MIB);
      v.write(0, data, 0, data.length, false);
    }
  }
}
