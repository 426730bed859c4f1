package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A chunk store whose packs live on an object store (a real S3 server), end to end. */
class ObjectStoreChunkStoreTest {
  private static final int CHUNK = 16 << 10;
  @TempDir static Path serverDir;
  private static TestBucket bucket;
  @TempDir Path dir;
  private ObjectStorePackMedium medium;

  @BeforeAll
  static void startServer() throws Exception {
    bucket = TestBucket.start(serverDir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (bucket != null) {
      bucket.close();
    }
  }

  private ChunkStoreConfig config() {
    return ChunkStoreConfig.defaults(dir.resolve("store")).withPackTargetBytes(1 << 20);
  }

  /** The store's medium, kept so the test can wait for its uploads. */
  private PackMedium.Factory media(ObjectStoreConfig pool) {
    return spool -> medium = (ObjectStorePackMedium) ChunkStores.objectStore(pool).open(spool);
  }

  private static List<byte[]> chunks(int count, long seed) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(TestData.random(seed + i, CHUNK));
    }
    return out;
  }

  private Set<String> packKeys(ObjectStoreConfig pool) {
    try (S3Client s3 = TestBucket.client(bucket.server)) {
      return s3
          .listObjectsV2Paginator(r -> r.bucket(TestBucket.NAME).prefix(pool.prefix()))
          .contents()
          .stream()
          .map(S3Object::key)
          .collect(Collectors.toSet());
    }
  }

  /**
   * Chunks written, the store closed and reopened (its last pack sealed then), every pack
   * uploaded: the spool is empty, and with the index, spool and cache deleted the index is
   * rebuilt from the bucket's packs and every chunk reads back.
   */
  @Test
  void chunksReadBackFromTheBucketAndTheIndexIsRebuiltFromIt() throws Exception {
    ObjectStoreConfig pool = bucket.pool(4L << 20);
    List<byte[]> data = chunks(300, 1);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : data) {
        ids.add(store.put(c));
      }
      store.sync();
    }
    long packs;
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      medium.awaitUploads();
      packs = store.stats().packFiles();
      assertTrue(packs >= 4, packs + " packs");
      assertEquals(List.of(), medium.list().stream().filter(this::inSpool).toList(), "spool");
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i);
      }
    }
    assertEquals(packs, packKeys(pool).size());
    Directories.deleteTree(dir.resolve("store").resolve("index"));
    Directories.deleteTree(dir.resolve("store").resolve("packs"));
    Directories.deleteTree(dir.resolve("store").resolve("pack-cache"));
    try (ChunkStore store = ChunkStores.openRebuildingIndex(config(), media(pool))) {
      assertEquals(300, store.stats().chunks());
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i + " after the rebuild");
      }
    }
  }

  private boolean inSpool(int packId) {
    return java.nio.file.Files.exists(
        dir.resolve("store").resolve("packs").resolve(String.format("%08x.pack", packId)));
  }

  /** A collection compacts packs on the store too: dead packs' objects are deleted. */
  @Test
  void aCollectionDeletesTheObjectsOfPacksItEmptied() throws Exception {
    ObjectStoreConfig pool = bucket.pool(4L << 20);
    List<byte[]> kept = chunks(40, 1_000);
    List<byte[]> dropped = chunks(200, 2_000);
    List<ChunkId> keptIds = new ArrayList<>();
    List<ChunkId> droppedIds = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : dropped) {
        droppedIds.add(store.put(c));
      }
      for (byte[] c : kept) {
        keptIds.add(store.put(c));
      }
      store.sync();
    }
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      medium.awaitUploads();
      Set<String> before = packKeys(pool);
      GcReport gc = store.collectGarbage(m -> keptIds.forEach(m::mark), GcOptions.DEFAULT);
      assertEquals(200, gc.chunksSwept());
      assertTrue(gc.packsCompacted() > 0, gc.toString());
      store.sync();
      Set<String> after = packKeys(pool);
      assertTrue(after.size() < before.size(), before + " then " + after);
      for (int i = 0; i < keptIds.size(); i++) {
        assertArrayEquals(kept.get(i), store.get(keptIds.get(i)), "kept chunk " + i);
      }
      assertFalse(store.contains(droppedIds.get(0)));
    }
  }
}
