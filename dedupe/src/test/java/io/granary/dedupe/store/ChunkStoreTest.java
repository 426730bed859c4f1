package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkStoreTest {
  @TempDir Path dir;

  private static final int[] SIZES = {1, 7, 4095, 4096, 4097, 65535, 65536, 65537, 1 << 20};

  private static byte[] content(String kind, long seed, int len) {
    switch (kind) {
      case "random":
        return TestData.random(seed, len);
      case "compressible":
        return TestData.compressible(seed, len);
      default:
        return new byte[len];
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd:1", "zstd:3", "zstd:9"})
  void everyKindOfDataRoundTripsWithEveryCodecAcrossReopen(String codec) throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.parse(codec));
    Map<ChunkId, byte[]> written = new LinkedHashMap<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      long seed = 0;
      for (String kind : new String[] {"random", "compressible", "zero"}) {
        for (int size : SIZES) {
          byte[] data = content(kind, ++seed, size);
          ChunkId id = store.put(data);
          assertEquals(ChunkId.of(MessageDigest.getInstance("SHA-256").digest(data)), id);
          written.put(id, data);
          assertArrayEquals(data, store.get(id), kind + " " + size + " before sync");
        }
      }
      store.sync();
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      for (Map.Entry<ChunkId, byte[]> e : written.entrySet()) {
        assertTrue(store.contains(e.getKey()));
        assertArrayEquals(e.getValue(), store.get(e.getKey()));
      }
      ChunkStoreStats s = store.stats();
      assertEquals(written.size(), s.chunks());
      assertEquals(SIZES.length, s.chunksByCodec().get(Codec.ZERO));
      if (!codec.equals("none")) {
        long compressed = s.chunksByCodec().get(CodecSpec.parse(codec).codec());
        assertTrue(compressed > 0, "some chunks were compressed: " + s);
      }
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
  }

  /** A part of a chunk reads as the same bytes of the whole, whatever the codec. */
  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd:3"})
  void rangedReadsGiveTheBytesOfTheWholeChunk(String codec) throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.parse(codec));
    try (ChunkStore store = ChunkStores.open(config)) {
      long seed = 0;
      for (String kind : new String[] {"random", "compressible", "zero"}) {
        for (int size : new int[] {4096, 16384, 65537}) {
          byte[] data = content(kind, ++seed, size);
          ChunkId id = store.put(data);
          if (seed % 2 == 0) {
            store.sync(); // half read from the index, half from the chunks not yet committed
          }
          for (int[] r : new int[][] {{0, size}, {0, 1}, {size - 1, 1}, {size / 3, size / 2}}) {
            byte[] dst = new byte[r[1] + 10];
            assertEquals(size, store.read(id, r[0], dst, 5, r[1]));
            assertArrayEquals(
                Arrays.copyOfRange(data, r[0], r[0] + r[1]),
                Arrays.copyOfRange(dst, 5, 5 + r[1]),
                kind + " " + size + " at " + r[0]);
          }
          assertThrows(
              IndexOutOfBoundsException.class, () -> store.read(id, size - 1, new byte[2], 0, 2));
        }
      }
    }
  }

  /** A damaged record is as damaged to a read of part of it as to a read of all of it. */
  @Test
  void aRangedReadChecksTheWholeRecord() throws Exception {
    ChunkId id;
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      id = store.put(TestData.random(1, 16384));
      store.sync();
    }
    StoredChunks.find(dir, id).flipPayloadByte(10_000);
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      byte[] dst = new byte[4096];
      assertThrows(ChunkCorruptedException.class, () -> store.read(id, 0, dst, 0, 4096));
      assertThrows(ChunkCorruptedException.class, () -> store.get(id));
    }
  }

  /**
   * Reads after a collection: a chunk compaction moved is read at its new place, one the sweep
   * forgot is not found, though both were read (and their places remembered) just before.
   */
  @Test
  void readsFollowChunksThatACollectionMovedOrForgot() throws Exception {
    // Packs of 1 MiB: the chunks fill several, and only full packs are compacted.
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withPackTargetBytes(1 << 20);
    try (ChunkStore store = ChunkStores.open(config)) {
      List<ChunkId> ids = new ArrayList<>();
      for (int i = 0; i < 256; i++) {
        ids.add(store.put(TestData.random(i, 16384)));
      }
      store.sync();
      byte[] dst = new byte[100];
      for (ChunkId id : ids) {
        store.read(id, 0, dst, 0, 100);
      }
      // Keep one chunk in four: the pack falls below half live and is compacted.
      GcReport gc =
          store.collectGarbage(
              marker -> {
                for (int i = 0; i < ids.size(); i += 4) {
                  marker.mark(ids.get(i));
                }
              },
              GcOptions.DEFAULT);
      assertTrue(gc.packsCompacted() > 0, "the kept chunks moved: " + gc);
      for (int i = 0; i < ids.size(); i++) {
        ChunkId id = ids.get(i);
        if (i % 4 == 0) {
          store.read(id, 50, dst, 0, 100);
          assertArrayEquals(
              Arrays.copyOfRange(TestData.random(i, 16384), 50, 150), dst, "moved chunk " + i);
        } else {
          assertThrows(ChunkNotFoundException.class, () -> store.read(id, 0, dst, 0, 100));
        }
      }
    }
  }

  @Test
  void storedBytesFollowPutsSyncsAndGarbageCollection() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      assertEquals(0, store.storedBytes());
      ChunkId kept = store.put(TestData.random(1, 65536));
      store.put(TestData.compressible(2, 65536));
      assertEquals(store.stats().storedBytes(), store.storedBytes(), "before a sync");
      store.sync();
      assertEquals(store.stats().storedBytes(), store.storedBytes(), "after a sync");
      store.collectGarbage(marker -> marker.mark(kept), GcOptions.DEFAULT);
      assertEquals(65536, store.storedBytes(), "random bytes are kept raw");
      assertEquals(store.stats().storedBytes(), store.storedBytes());
    }
  }

  /**
   * An interrupt closes the active pack under the commit's fsync: the sync fails rather than
   * committing chunks whose bytes were never made durable, and the store reopens with them.
   */
  @Test
  void anInterruptedSyncFailsInsteadOfCommittingUnsyncedChunks() throws Exception {
    byte[] data = TestData.random(1, 65536);
    ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir));
    ChunkId id = store.put(data);
    Thread.currentThread().interrupt();
    try {
      assertThrows(IOException.class, store::sync);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
    } finally {
      Thread.interrupted();
    }
    assertThrows(IOException.class, store::close, "the failed fsync is reported at close too");
    try (ChunkStore reopened = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      assertArrayEquals(data, reopened.get(id), "recovered from the pack on reopen");
    }
  }

  @Test
  void zeroChunksAreNeverStoredButReadBack() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      ChunkId id = store.put(new byte[1 << 20]);
      assertArrayEquals(new byte[1 << 20], store.get(id));
      ChunkStoreStats s = store.stats();
      assertEquals(0, s.storedBytes());
      assertEquals(1 << 20, s.uniqueBytes());
      // a second length of zeros is a distinct chunk, still with no payload
      ChunkId other = store.put(new byte[4096]);
      assertFalse(other.equals(id));
      assertEquals(0, store.stats().storedBytes());
    }
  }

  @Test
  void onePoolHoldsMixedCodecs() throws Exception {
    List<ChunkId> ids = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      String[] codecs = {"none", "lz4", "zstd:3", "zstd:12"};
      for (int i = 0; i < codecs.length; i++) {
        byte[] d = TestData.compressible(100 + i, 65536);
        ids.add(store.put(d, 0, d.length, CodecSpec.parse(codecs[i])));
        data.add(d);
      }
      ChunkStoreStats s = store.stats();
      assertEquals(1, s.chunksByCodec().get(Codec.NONE));
      assertEquals(1, s.chunksByCodec().get(Codec.LZ4));
      assertEquals(2, s.chunksByCodec().get(Codec.ZSTD));
    }
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)));
      }
    }
  }

  @Test
  void duplicatesCostNothingAndCountAsIngested() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      byte[] d = TestData.random(5, 65536);
      ChunkId a = store.put(d);
      long packBytes = store.stats().packBytes();
      ChunkId b = store.put(d.clone());
      assertEquals(a, b);
      ChunkStoreStats s = store.stats();
      assertEquals(1, s.chunks());
      assertEquals(2 * 65536, s.ingestedBytes());
      assertEquals(65536, s.uniqueBytes());
      assertEquals(packBytes, s.packBytes());
      assertEquals(2.0, s.dedupeRatio(), 1e-9);
    }
  }

  @Test
  void putOfASliceStoresOnlyTheSlice() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      byte[] big = TestData.random(9, 10_000);
      ChunkId id = store.put(big, 1000, 5000, null);
      assertArrayEquals(Arrays.copyOfRange(big, 1000, 6000), store.get(id));
    }
  }

  @Test
  void missingIdsEmptyChunksClosedStoresAndASecondOpenAreDistinctErrors() throws Exception {
    ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir));
    ChunkId absent = ChunkId.parse("00".repeat(31) + "01");
    ChunkNotFoundException missing =
        assertThrows(ChunkNotFoundException.class, () -> store.get(absent));
    assertEquals(StoreException.Kind.MISSING_CHUNK, missing.kind());
    assertFalse(store.contains(absent));
    assertThrows(IllegalArgumentException.class, () -> store.put(new byte[0]));
    StoreException locked =
        assertThrows(StoreException.class, () -> ChunkStores.open(ChunkStoreConfig.defaults(dir)));
    assertEquals(StoreException.Kind.LOCKED, locked.kind());
    store.close();
    StoreException closed = assertThrows(StoreException.class, () -> store.put(new byte[1]));
    assertEquals(StoreException.Kind.CLOSED, closed.kind());
    store.close(); // idempotent
  }

  @Test
  void packsRollOverAtTheirTargetSize() throws Exception {
    ChunkStoreConfig config =
        ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 40; i++) {
        ids.add(store.put(TestData.random(i, 100_000)));
      }
      ChunkStoreStats s = store.stats();
      assertTrue(s.packFiles() >= 4, "packs: " + s.packFiles());
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 40; i++) {
        assertArrayEquals(TestData.random(i, 100_000), store.get(ids.get(i)));
      }
    }
  }

  @Test
  void concurrentPutsOfOverlappingContentStoreEachChunkOnce() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      int threads = 4;
      int perThread = 500;
      inThreads(
          threads,
          t -> {
            for (int i = 0; i < perThread; i++) {
              store.put(TestData.random(i, 8192)); // every thread writes the same 500 chunks
            }
          });
      ChunkStoreStats s = store.stats();
      assertEquals(perThread, s.chunks());
      assertEquals((long) threads * perThread * 8192, s.ingestedBytes());
      // every record in the packs is live: no duplicate was appended
      long records = perThread * (8192L + RecordHeader.SIZE);
      assertEquals(records + s.packFiles() * PackHeader.SIZE, s.packBytes());
    }
  }

  @Test
  void aBatchPutStoresWhatPutsOfEachWouldAndEachNewChunkOnce() throws Exception {
    int len = 16384;
    byte[][] chunks = {
      TestData.random(1, len),
      new byte[len], // zeroes: recorded without bytes
      TestData.compressible(2, len),
      TestData.random(1, len), // the first again, in the same batch
      TestData.random(3, len), // stored before the batch
    };
    byte[] laid = new byte[len * chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      System.arraycopy(chunks[i], 0, laid, i * len, len);
    }
    ChunkId[] ids;
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      ChunkId before = store.put(chunks[4]);
      ids = store.putAll(laid, len, chunks.length, CodecSpec.parse("lz4"));
      assertEquals(before, ids[4]);
      assertEquals(ids[0], ids[3]);
      ChunkStoreStats s = store.stats();
      assertEquals(4, s.chunks()); // random 1, zeroes, compressible, random 3
      assertEquals(6L * len, s.ingestedBytes());
      for (int i = 0; i < chunks.length; i++) {
        assertEquals(ids[i], store.put(chunks[i]), "the id a put of chunk " + i + " gives");
      }
      assertEquals(4, store.stats().chunks());
      assertEquals(s.packBytes(), store.stats().packBytes(), "the puts found every chunk stored");
    }
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      for (int i = 0; i < chunks.length; i++) {
        assertArrayEquals(chunks[i], store.get(ids[i]));
      }
    }
  }

  /**
   * Batches racing with commits: a chunk one thread looked up and did not find may be appended
   * and committed by another before the first takes the append lock. The store must notice
   * (it reads the index again when a commit happened since its lookup) and append it once.
   */
  @Test
  void concurrentBatchesWithFrequentCommitsStoreEachChunkOnce() throws Exception {
    ChunkStoreConfig config =
        new ChunkStoreConfig(
            dir, CodecSpec.NONE, ChunkStoreConfig.DEFAULT_PACK_TARGET_BYTES, 2, false);
    int len = 4096;
    int threads = 4;
    int batch = 6;
    int batchesPerThread = 1500;
    // Every thread walks the same window of contents (batch b picks among contents 3b to
    // 3b+7), so first puts of the same chunk by several threads at once are common.
    Set<Integer> picked = ConcurrentHashMap.newKeySet();
    try (ChunkStore store = ChunkStores.open(config)) {
      inThreads(
          threads,
          t -> {
            SplittableRandom r = new SplittableRandom(t);
            byte[] laid = new byte[batch * len];
            for (int b = 0; b < batchesPerThread; b++) {
              int[] picks = new int[batch];
              for (int i = 0; i < batch; i++) {
                picks[i] = 3 * b + r.nextInt(8);
                picked.add(picks[i]);
                System.arraycopy(TestData.random(picks[i], len), 0, laid, i * len, len);
              }
              ChunkId[] ids = store.putAll(laid, len, batch, null);
              for (int i = 0; i < batch; i++) {
                byte[] expected = TestData.random(picks[i], len);
                assertEquals(
                    ChunkId.of(MessageDigest.getInstance("SHA-256").digest(expected)), ids[i]);
              }
            }
          });
      ChunkStoreStats s = store.stats();
      int distinct = picked.size();
      assertEquals(distinct, s.chunks());
      assertEquals((long) threads * batchesPerThread * batch * len, s.ingestedBytes());
      long records = distinct * (len + (long) RecordHeader.SIZE);
      assertEquals(
          records + s.packFiles() * PackHeader.SIZE,
          s.packBytes(),
          "every record in the packs is live: no chunk was appended twice");
    }
  }

  /** What one of {@link #inThreads}'s threads does, given its number. */
  private interface ThreadWork {
    void run(int thread) throws Exception;
  }

  /** Runs {@code work} on {@code threads} threads at once; fails with what any of them threw. */
  private static void inThreads(int threads, ThreadWork work) throws InterruptedException {
    List<Thread> ts = new ArrayList<>();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int n = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  work.run(n);
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    assertTrue(errors.isEmpty(), errors.toString());
  }
}
