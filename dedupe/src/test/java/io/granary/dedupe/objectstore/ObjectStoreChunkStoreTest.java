package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreException;
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
    assertEquals(
        packs,
        packKeys(pool).stream().filter(k -> k.contains("/packs/") && k.endsWith(".pack")).count());
    Directories.deleteTree(dir.resolve("store").resolve("index"));
    Directories.deleteTree(dir.resolve("store").resolve("packs"));
    Directories.deleteTree(dir.resolve("store").resolve("pack-cache"));
    try (ChunkStore store = ChunkStores.openRebuildingIndex(config(), media(pool))) {
      assertEquals(300, store.stats().chunks());
      assertEquals(
          packs + 2,
          medium.stats().requests().get(),
          "one GET per pack (its listing), one for the lease and one for the manifest");
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i + " after the rebuild");
      }
    }
    // Without their listings (an older build's packs, or lost), the packs themselves are read.
    try (S3Client s3 = TestBucket.client(bucket.server)) {
      for (String k : packKeys(pool)) {
        if (k.endsWith(".list")) {
          s3.deleteObject(r -> r.bucket(TestBucket.NAME).key(k));
        }
      }
    }
    Directories.deleteTree(dir.resolve("store").resolve("index"));
    Directories.deleteTree(dir.resolve("store").resolve("pack-cache"));
    try (ChunkStore store = ChunkStores.openRebuildingIndex(config(), media(pool))) {
      assertEquals(300, store.stats().chunks());
      assertTrue(medium.stats().requests().get() > packs, "the packs' pages were read");
      assertArrayEquals(data.get(299), store.get(ids.get(299)));
    }
  }

  private boolean inSpool(int packId) {
    return java.nio.file.Files.exists(
        dir.resolve("store").resolve("packs").resolve(String.format("%08x.pack", packId)));
  }

  /**
   * A collection compacts packs on the store too: dead packs' objects are deleted, at the
   * checkpoint after it.
   */
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
      store.checkpoint(new byte[0]);
      Set<String> after = packKeys(pool);
      assertTrue(after.size() < before.size(), before + " then " + after);
      for (int i = 0; i < keptIds.size(); i++) {
        assertArrayEquals(kept.get(i), store.get(keptIds.get(i)), "kept chunk " + i);
      }
      assertFalse(store.contains(droppedIds.get(0)));
    }
  }

  /**
   * The store's whole local directory lost after a checkpoint: attached on a new machine from
   * the bucket alone, it has the checkpoint's catalog rows and caller's bytes, and every chunk
   * written before it; chunks written after it and never uploaded are what the lost disk cost.
   */
  @Test
  void aStoreComesBackFromItsBucketAloneAsOfItsNewestCheckpoint() throws Exception {
    ObjectStoreConfig pool = bucket.pool(4L << 20);
    List<byte[]> before = chunks(100, 3_000);
    List<ChunkId> ids = new ArrayList<>();
    ChunkId after;
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : before) {
        ids.add(store.put(c));
      }
      store
          .catalog()
          .apply(new CatalogBatch().put("volumes", "vm1".getBytes(), "root-1".getBytes()));
      assertTrue(store.checkpoint("settings v1".getBytes()) > 0);
      store
          .catalog()
          .apply(new CatalogBatch().put("volumes", "vm2".getBytes(), "root-2".getBytes()));
      after = store.put(TestData.random(9_999, CHUNK));
      store.sync();
    }
    Directories.deleteTree(dir);
    List<long[]> progress = new ArrayList<>();
    ChunkStores.Attached a =
        ChunkStores.attach(
            config(), media(pool), (phase, done, total) -> progress.add(new long[] {done, total}));
    try (ChunkStore store = a.store()) {
      assertFalse(progress.isEmpty(), "no progress told");
      long total = progress.get(0)[1];
      assertEquals(total + 1, progress.size(), "before each pack and at the end");
      for (int i = 0; i < progress.size(); i++) {
        assertArrayEquals(new long[] {i, total}, progress.get(i));
      }
      assertArrayEquals("settings v1".getBytes(), a.extras());
      assertArrayEquals("root-1".getBytes(), store.catalog().get("volumes", "vm1".getBytes()));
      assertEquals(null, store.catalog().get("volumes", "vm2".getBytes()), "after the checkpoint");
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(before.get(i), store.get(ids.get(i)), "chunk " + i);
      }
      assertFalse(store.contains(after), "written after the checkpoint, never uploaded");
      // and it goes on: a new checkpoint of the attached store
      store
          .catalog()
          .apply(new CatalogBatch().put("volumes", "vm3".getBytes(), "root-3".getBytes()));
      assertTrue(store.checkpoint("settings v2".getBytes()) > 0);
    }
    Directories.deleteTree(dir);
    ChunkStores.Attached again = ChunkStores.attach(config(), media(pool));
    try (ChunkStore store = again.store()) {
      assertArrayEquals("settings v2".getBytes(), again.extras());
      assertArrayEquals("root-3".getBytes(), store.catalog().get("volumes", "vm3".getBytes()));
    }
  }

  /**
   * A collection deletes dead packs' objects only once a newer checkpoint is published: until
   * then the newest published one still brings back every chunk it names.
   */
  @Test
  void packObjectsAreDeletedOnlyOnceANewerCheckpointNoLongerNeedsThem() throws Exception {
    ObjectStoreConfig pool = bucket.pool(4L << 20);
    List<byte[]> data = chunks(150, 4_000);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : data) {
        ids.add(store.put(c));
      }
      store.checkpoint(new byte[0]);
      Set<String> published = packKeys(pool);
      GcReport gc = store.collectGarbage(m -> {}, GcOptions.DEFAULT); // nothing is live now
      assertEquals(150, gc.chunksSwept());
      assertTrue(gc.packsCompacted() > 0, gc.toString());
      assertTrue(packKeys(pool).containsAll(published), "kept for the published checkpoint");
    }
    Directories.deleteTree(dir); // lost before a newer checkpoint: the old one still works
    ChunkStores.Attached a = ChunkStores.attach(config(), media(pool));
    try (ChunkStore store = a.store()) {
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i);
      }
      GcReport gc = store.collectGarbage(m -> {}, GcOptions.DEFAULT);
      assertEquals(150, gc.chunksSwept());
      long objectsBefore = packKeys(pool).stream().filter(k -> k.contains("/packs/")).count();
      store.checkpoint(new byte[0]);
      long objectsAfter = packKeys(pool).stream().filter(k -> k.contains("/packs/")).count();
      assertTrue(objectsAfter < objectsBefore, objectsBefore + " then " + objectsAfter);
    }
  }

  @Test
  void attachingWithoutACheckpointOrIntoADirectoryInUseIsRefused() throws Exception {
    ObjectStoreConfig pool = bucket.pool(4L << 20);
    StoreException e =
        assertThrows(StoreException.class, () -> ChunkStores.attach(config(), media(pool)));
    assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      store.put(TestData.random(1, CHUNK));
      store.checkpoint(new byte[0]);
    }
    e = assertThrows(StoreException.class, () -> ChunkStores.attach(config(), media(pool)));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
  }
}
