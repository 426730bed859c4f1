package io.granary.dedupe.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.ProgressListener;
import io.granary.testing.DiskUsage;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectionTest {
  private static final int SIZE = 32_768;

  @TempDir Path dir;

  private ChunkStoreConfig config() {
    return ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE).withPackTargetBytes(4 << 20);
  }

  @Test
  void keepsWhatIsReachableForgetsTheRestAndGivesTheSpaceBack() throws Exception {
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config())) {
      for (int i = 0; i < 1000; i++) {
        ids.add(store.put(TestData.random(i, SIZE)));
      }
      store.sync();
      // The packs: the index keeps a fixed reserve of allocated space whatever it holds.
      long before = DiskUsage.of(dir.resolve("packs"));
      // Keep every fourth chunk.
      GcReport r =
          store.collectGarbage(
              m -> {
                for (int i = 0; i < ids.size(); i += 4) {
                  m.mark(ids.get(i));
                }
              },
              GcOptions.DEFAULT);
      assertEquals(1000, r.chunksBefore());
      assertEquals(250, r.chunksMarked());
      assertEquals(750, r.chunksSwept());
      assertTrue(r.packsCompacted() > 0, r.toString());
      long after = DiskUsage.of(dir.resolve("packs"));
      assertTrue(after < before * 0.4, "disk went from " + before + " to " + after);
      for (int i = 0; i < ids.size(); i++) {
        if (i % 4 == 0) {
          assertArrayEquals(TestData.random(i, SIZE), store.get(ids.get(i)));
        } else {
          assertFalse(store.contains(ids.get(i)));
        }
      }
      ChunkStoreStats s = store.stats();
      assertEquals(250, s.chunks());
      assertEquals(250L * SIZE, s.uniqueBytes());
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
    try (ChunkStore store = ChunkStores.open(config())) {
      for (int i = 0; i < ids.size(); i += 4) {
        assertArrayEquals(TestData.random(i, SIZE), store.get(ids.get(i)));
      }
      assertEquals(250, store.stats().chunks());
    }
  }

  @Test
  void chunksPutWhileTheCollectionRunsAreNeverLost() throws Exception {
    try (ChunkStore store = ChunkStores.open(config())) {
      List<ChunkId> old = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        old.add(store.put(TestData.random(i, SIZE)));
      }
      store.sync();
      // Only even chunks are reachable. While the walk runs, a writer puts half of the odd
      // (garbage) chunks again, once each: a dedupe hit on garbage must revive it. It then
      // keeps writing new chunks through the sweep and compaction.
      Map<ChunkId, Integer> putDuringGc = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch collecting = new CountDownLatch(1);
      CountDownLatch revived = new CountDownLatch(1);
      List<Throwable> errors = new ArrayList<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  collecting.await(); // the contract covers puts made once the collection has begun
                  for (int seed = 1; seed < 1000; seed += 2) {
                    putDuringGc.put(store.put(TestData.random(seed, SIZE)), seed);
                  }
                  revived.countDown();
                  for (int seed = 10_000; !stop.get(); seed++) {
                    putDuringGc.put(store.put(TestData.random(seed, SIZE)), seed);
                  }
                } catch (Throwable t) {
                  errors.add(t);
                }
              });
      writer.start();
      GcReport r;
      try {
        r =
            store.collectGarbage(
                m -> {
                  collecting.countDown();
                  for (int i = 0; i < old.size(); i += 2) {
                    m.mark(old.get(i));
                  }
                  try {
                    revived.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                new GcOptions(0.9, ProgressListener.NONE));
      } finally {
        stop.set(true);
        writer.join();
      }
      assertTrue(errors.isEmpty(), errors.toString());
      assertEquals(500, r.chunksSwept(), "only the odd chunks nobody put again: " + r);
      assertTrue(putDuringGc.size() > 500, "the writer overlapped the sweep");
      for (Map.Entry<ChunkId, Integer> e : putDuringGc.entrySet()) {
        assertArrayEquals(
            TestData.random(e.getValue(), SIZE),
            store.get(e.getKey()),
            "chunk put during gc, seed " + e.getValue());
      }
      for (int i = 0; i < old.size(); i++) {
        assertEquals(i % 2 == 0 || i < 1000, store.contains(old.get(i)), "old chunk " + i);
      }
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
  }

  /**
   * A put that finds a chunk during the walk keeps that chunk, but must not make the walker
   * believe it has already visited it: the walker prunes on its own marks only, so a map page
   * that a flush wrote again still has its children marked.
   */
  @Test
  void aChunkTouchedByAPutDuringTheWalkStillHasItsChildrenMarked() throws Exception {
    try (ChunkStore store = ChunkStores.open(config())) {
      ChunkId page = store.put(TestData.random(1, SIZE));
      ChunkId child = store.put(TestData.random(2, SIZE));
      store.sync();
      store.collectGarbage(
          m -> {
            store.put(TestData.random(1, SIZE)); // the page is written again, e.g. by a flush
            if (m.mark(page)) {
              m.mark(child); // a tree walk descends only into pages it marks first
            }
          },
          GcOptions.DEFAULT);
      assertArrayEquals(TestData.random(2, SIZE), store.get(child));
      assertArrayEquals(TestData.random(1, SIZE), store.get(page));
    }
  }
}
