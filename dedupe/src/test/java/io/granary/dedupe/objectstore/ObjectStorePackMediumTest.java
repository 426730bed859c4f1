package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What only an object store's medium does: the spool, the upload backlog, the cache's cap. */
class ObjectStorePackMediumTest {
  @TempDir static Path serverDir;
  private static TestBucket bucket;
  @TempDir Path dir;

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

  private static ObjectStorePackMedium open(ObjectStoreConfig pool, Path storeDir)
      throws Exception {
    return (ObjectStorePackMedium)
        ObjectStorePackMedium.factory(pool, ObjectStorePackMedium.Access.WRITE)
            .open(storeDir.resolve("packs"));
  }

  private static byte[] writePack(PackMedium m, int packId, int length) throws Exception {
    byte[] bytes = TestData.random(packId, length);
    try (PackMedium.Appender out = m.create(packId)) {
      out.append(ByteBuffer.wrap(bytes));
      out.force();
    }
    return bytes;
  }

  private static byte[] read(PackMedium m, int packId, long at, int length) throws Exception {
    try (PackMedium.Reader r = m.openForRead(packId)) {
      ByteBuffer dst = ByteBuffer.allocate(length);
      assertEquals(length, r.read(dst, at));
      return dst.array();
    }
  }

  @Test
  void aSealedPackLeavesTheSpoolAndIsReadBackWithinTheCacheCap() throws Exception {
    long cap = 2L * PackCache.PAGE;
    try (ObjectStorePackMedium m = open(bucket.pool(cap), dir)) {
      byte[] pack = writePack(m, 1, 5 * PackCache.PAGE + 12_345);
      m.seal(1);
      m.awaitUploads();
      assertFalse(Files.exists(dir.resolve("packs").resolve("00000001.pack")), "spool copy gone");
      assertEquals(0, m.backlogBytes());
      assertArrayEquals(pack, read(m, 1, 0, pack.length));
      assertTrue(m.cache().usedBytes() <= cap, "cache " + m.cache().usedBytes() + " over " + cap);
      assertEquals(6, m.cache().misses(), "one GET per page");
      long hits = m.cache().hits();
      byte[] tail = read(m, 1, 5L * PackCache.PAGE + 100, 1_000);
      assertArrayEquals(
          java.util.Arrays.copyOfRange(pack, 5 * PackCache.PAGE + 100, 5 * PackCache.PAGE + 1_100),
          tail);
      assertEquals(hits + 1, m.cache().hits(), "the last page read is cached");
    }
  }

  @Test
  void aCacheWithNoRoomStillServesEveryRead() throws Exception {
    try (ObjectStorePackMedium m = open(bucket.pool(0), dir)) {
      byte[] pack = writePack(m, 2, 3 * PackCache.PAGE);
      m.seal(2);
      m.awaitUploads();
      assertArrayEquals(pack, read(m, 2, 0, pack.length));
      assertArrayEquals(pack, read(m, 2, 0, pack.length));
      assertEquals(0, m.cache().usedBytes());
    }
  }

  @Test
  void sealedPacksComeBackFromTheBucketAloneOnANewMachine() throws Exception {
    ObjectStoreConfig pool = bucket.pool(8L * PackCache.PAGE);
    byte[] a;
    byte[] b;
    try (ObjectStorePackMedium m = open(pool, dir)) {
      a = writePack(m, 1, 700_000);
      b = writePack(m, 2, 2 * PackCache.PAGE + 5);
      m.seal(1);
      m.seal(2);
      m.awaitUploads();
    }
    Directories.deleteTree(dir);
    try (ObjectStorePackMedium m = open(pool, dir)) {
      assertEquals(List.of(1, 2), m.list());
      assertArrayEquals(a, read(m, 1, 0, a.length));
      assertArrayEquals(b, read(m, 2, 0, b.length));
    }
  }

  /**
   * The store killed: sealed packs wait in the spool and stay readable, the backlog says how
   * much; with the store back the uploads finish by themselves and the spool empties.
   */
  @Test
  void withTheStoreDownSealedPacksWaitInTheSpoolAndGoUpWhenItIsBack() throws Exception {
    try (ObjectStorePackMedium m = open(bucket.pool(8L * PackCache.PAGE), dir)) {
      byte[] pack = writePack(m, 3, 300_000);
      bucket.server.kill();
      try {
        m.seal(3);
        Thread.sleep(1_500);
        assertEquals(300_000, m.backlogBytes());
        assertTrue(Files.exists(dir.resolve("packs").resolve("00000003.pack")));
        assertArrayEquals(pack, read(m, 3, 0, pack.length), "read from the spool meanwhile");
      } finally {
        bucket.server.start();
      }
      m.awaitUploads();
      assertEquals(0, m.backlogBytes());
      assertFalse(Files.exists(dir.resolve("packs").resolve("00000003.pack")));
      assertArrayEquals(pack, read(m, 3, 0, pack.length));
    }
  }

  /**
   * Back-pressure: with the store down and the backlog at the spool's bound, starting a new
   * pack waits (it neither fails nor fills the disk further) and goes on once the store is back.
   */
  @Test
  void aNewPackWaitsWhileTheBacklogIsAtTheSpoolsBound() throws Exception {
    try (ObjectStorePackMedium m = open(bucket.pool(8L * PackCache.PAGE).withSpoolBytes(1), dir)) {
      writePack(m, 5, 100_000);
      bucket.server.kill();
      java.util.concurrent.CompletableFuture<byte[]> next;
      try {
        m.seal(5);
        next =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return writePack(m, 6, 10_000);
                  } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                });
        Thread.sleep(1_500);
        assertFalse(next.isDone(), "a new pack started past the spool's bound");
        assertFalse(Files.exists(dir.resolve("packs").resolve("00000006.pack")));
      } finally {
        bucket.server.start();
      }
      byte[] six = next.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertArrayEquals(six, read(m, 6, 0, six.length));
      assertEquals(0, m.backlogBytes());
    }
  }

  /** A pack object gone from the bucket: its reads fail, and only the first costs a GET. */
  @Test
  void aPackGoneFromTheBucketFailsItsReadsWithOneRequest() throws Exception {
    try (ObjectStorePackMedium m = open(bucket.pool(0), dir);
        S3Client s3 = TestBucket.client(bucket.server)) {
      writePack(m, 7, 3 * PackCache.PAGE);
      m.seal(7);
      m.awaitUploads();
      s3.deleteObject(r -> r.bucket(TestBucket.NAME).key(m.uploadKey(7)));
      long before = m.stats().requests().get();
      for (int i = 0; i < 5; i++) {
        long at = (long) i * PackCache.PAGE / 2;
        org.junit.jupiter.api.Assertions.assertThrows(
            java.nio.file.NoSuchFileException.class, () -> read(m, 7, at, 100));
      }
      assertEquals(before + 1, m.stats().requests().get(), "one GET, then none");
    }
  }

  /** An object of another size under a pack's key (another pool's, damage) is never replaced. */
  @Test
  void aPackKeyHoldingOtherBytesIsNeverOverwritten() throws Exception {
    ObjectStoreConfig pool = bucket.pool(8L * PackCache.PAGE);
    byte[] foreign = TestData.random(99, 1_000);
    try (ObjectStorePackMedium m = open(pool, dir);
        S3Client s3 = TestBucket.client(bucket.server)) {
      s3.putObject(
          r -> r.bucket(TestBucket.NAME).key(m.uploadKey(4)), RequestBody.fromBytes(foreign));
      byte[] pack = writePack(m, 4, 50_000);
      m.seal(4);
      Thread.sleep(1_000);
      assertEquals(50_000, m.backlogBytes(), "not counted as uploaded");
      assertTrue(Files.exists(dir.resolve("packs").resolve("00000004.pack")), "kept in the spool");
      assertArrayEquals(
          foreign,
          s3.getObjectAsBytes(r -> r.bucket(TestBucket.NAME).key(m.uploadKey(4))).asByteArray());
      assertArrayEquals(pack, read(m, 4, 0, pack.length));
    }
  }
}
