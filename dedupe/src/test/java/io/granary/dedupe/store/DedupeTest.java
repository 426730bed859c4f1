package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.testing.DiskUsage;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupeTest {
  private static final int CHUNK = 64 << 10;
  private static final int CHUNKS = (1 << 30) / CHUNK;

  @TempDir Path dir;

  @Test
  void theSameGibibyteWrittenTwiceIsStoredOnce() throws Exception {
    byte[] buf = new byte[CHUNK];
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      writeImage(store, buf);
      long once = DiskUsage.of(dir);
      ChunkStoreStats first = store.stats();
      writeImage(store, buf);
      long twice = DiskUsage.of(dir);
      ChunkStoreStats second = store.stats();

      assertTrue(once >= 1L << 30, "the first copy is on disk: " + once);
      assertTrue(twice <= once * 1.01, "second copy cost " + (twice - once) + " bytes");
      assertEquals(CHUNKS, second.chunks());
      assertEquals(first.packBytes(), second.packBytes());
      assertEquals(2L << 30, second.ingestedBytes());
      assertEquals(1L << 30, second.uniqueBytes());
      assertEquals(2.0, second.dedupeRatio(), 1e-9);

      TestData.fillRandom(CHUNKS / 2, buf);
      assertArrayEquals(
          buf, store.get(ChunkId.of(MessageDigest.getInstance("SHA-256").digest(buf))));
    }
  }

  private static void writeImage(ChunkStore store, byte[] buf) throws Exception {
    for (int i = 0; i < CHUNKS; i++) {
      TestData.fillRandom(i, buf);
      store.put(buf);
    }
    store.sync();
  }
}
