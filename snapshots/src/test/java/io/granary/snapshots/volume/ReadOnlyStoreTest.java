package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool opened read-only: every volume and snapshot reads as it was, nothing changes. */
class ReadOnlyStoreTest {
  @TempDir Path dir;

  @Test
  void everyChangeIsRefusedAndEveryReadServed() throws Exception {
    byte[] data = TestData.random(5, 1 << 20);
    try (TestPool p = new TestPool(dir)) {
      p.volumes().create("v", VolumeSpec.ofSize(4L << 20));
      try (Volume v = p.volumes().open("v")) {
        v.write(0, data, 0, data.length, false);
      }
      p.volumes().snapshot("v", "s");
    }
    try (ChunkStore chunks = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("store")));
        VolumeStore store =
            VolumeStores.openReadOnly(
                chunks,
                VolumeStoreConfig.defaults(dir.resolve("journal")),
                VolumeStores.dirtyMemory(64L << 20))) {
      assertTrue(store.readOnly());
      byte[] back = new byte[data.length];
      try (Volume v = store.open("v")) {
        assertTrue(v.readOnly());
        v.read(0, back, 0, back.length);
        assertArrayEquals(data, back);
        assertThrows(ReadOnlyVolumeException.class, () -> v.write(0, data, 0, 4096, false));
        assertThrows(ReadOnlyVolumeException.class, () -> v.trim(0, 4096, false));
        assertThrows(ReadOnlyVolumeException.class, () -> v.writeZeroes(0, 4096, true));
        assertThrows(ReadOnlyVolumeException.class, () -> v.resize(8L << 20));
        v.flush();
      }
      try (Volume s = store.openSnapshot("v", "s")) {
        s.read(0, back, 0, back.length);
        assertArrayEquals(data, back);
      }
      assertThrows(
          ReadOnlyVolumeException.class, () -> store.create("w", VolumeSpec.ofSize(1L << 20)));
      assertThrows(ReadOnlyVolumeException.class, () -> store.snapshot("v", "t"));
      assertThrows(ReadOnlyVolumeException.class, () -> store.clone("v", "s", "c"));
      assertThrows(ReadOnlyVolumeException.class, () -> store.rename("v", "w"));
      assertThrows(ReadOnlyVolumeException.class, () -> store.deleteSnapshot("v", "s"));
      assertThrows(ReadOnlyVolumeException.class, () -> store.rollback("v", "s"));
      assertThrows(ReadOnlyVolumeException.class, () -> store.delete("v", true));
      assertThrows(
          ReadOnlyVolumeException.class, () -> store.setServices("v", "zstd:3", true, "default"));
      assertThrows(ReadOnlyVolumeException.class, store::collectGarbage);
      assertEquals(1, store.list().size());
      assertEquals(1, store.snapshots("v").size());
    }
  }
}
