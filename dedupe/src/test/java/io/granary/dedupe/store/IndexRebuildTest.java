package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.ProgressListener;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexRebuildTest {
  @TempDir Path dir;

  @Test
  void theIndexIsRebuiltFromThePacksAlone() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withPackTargetBytes(1 << 20);
    List<ChunkId> ids = new ArrayList<>();
    ChunkStoreStats before;
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 300; i++) {
        byte[] d =
            i % 3 == 0
                ? TestData.random(i, 20_000)
                : i % 3 == 1 ? TestData.compressible(i, 20_000) : new byte[20_000 + i];
        ids.add(store.put(d, 0, d.length, i % 2 == 0 ? CodecSpec.zstd(3) : null));
      }
      before = store.stats();
    }
    // Lose the index entirely, as a damaged disk or an operator's rm would.
    try (var s = Files.walk(dir.resolve("index"))) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      verify(store, ids, before);
    }
    // And through the explicit rebuild entry point.
    try (ChunkStore store = ChunkStores.openRebuildingIndex(config, ChunkStores.LOCAL)) {
      verify(store, ids, before);
    }
  }

  private static void verify(ChunkStore store, List<ChunkId> ids, ChunkStoreStats before)
      throws Exception {
    for (int i = 0; i < ids.size(); i++) {
      byte[] d =
          i % 3 == 0
              ? TestData.random(i, 20_000)
              : i % 3 == 1 ? TestData.compressible(i, 20_000) : new byte[20_000 + i];
      assertArrayEquals(d, store.get(ids.get(i)), "chunk " + i);
    }
    ChunkStoreStats after = store.stats();
    assertEquals(before.chunks(), after.chunks());
    assertEquals(before.uniqueBytes(), after.uniqueBytes());
    assertEquals(before.storedBytes(), after.storedBytes());
    assertEquals(before.chunksByCodec(), after.chunksByCodec());
    assertTrue(store.scrub(ProgressListener.NONE).clean());
  }
}
