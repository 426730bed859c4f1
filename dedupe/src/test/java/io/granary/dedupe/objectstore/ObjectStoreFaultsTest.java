package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.MediumStats;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.testing.FaultyHttpProxy;
import io.granary.testing.FaultyHttpProxy.Fault;
import io.granary.testing.FaultyHttpProxy.Request;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A chunk store on an object store with faults between them: a {@link FaultyHttpProxy} between
 * the S3 client and a real server (s3proxy) answers 503, drops connections, cuts bodies; and
 * the server itself is killed and started again. Whatever the network does, nothing written is
 * lost and no read returns wrong bytes.
 */
class ObjectStoreFaultsTest {
  private static final int CHUNK = 16 << 10;
  private static final Predicate<Request> PACK_PUT =
      r -> r.method().equals("PUT") && r.target().contains(".pack");
  private static final Predicate<Request> PACK_GET =
      r -> r.method().equals("GET") && r.target().contains(".pack");

  @TempDir static Path serverDir;
  private static TestBucket bucket;
  private static FaultyHttpProxy proxy;
  @TempDir Path dir;
  private ObjectStorePackMedium medium;

  @BeforeAll
  static void startServer() throws Exception {
    bucket = TestBucket.start(serverDir);
    proxy = FaultyHttpProxy.start(bucket.server.endpoint());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  @AfterEach
  void noMoreFaults() {
    proxy.clear();
  }

  /** A pool of its own on the bucket, reached through the proxy. */
  private static ObjectStoreConfig viaProxy(long cacheBytes) {
    ObjectStoreConfig p = bucket.pool(cacheBytes);
    return new ObjectStoreConfig(
        proxy.endpoint(),
        p.region(),
        p.bucket(),
        p.prefix(),
        p.pathStyle(),
        p.credentials(),
        p.cacheBytes());
  }

  private ChunkStoreConfig config() {
    return ChunkStoreConfig.defaults(dir.resolve("store")).withPackTargetBytes(1 << 20);
  }

  private PackMedium.Factory media(ObjectStoreConfig pool) {
    return spool ->
        medium =
            ObjectStorePackMedium.open(
                pool,
                spool,
                PoolLease.DEFAULT_DURATION,
                Clock.systemUTC(),
                ObjectStorePackMedium.Access.WRITE);
  }

  private static List<byte[]> chunks(int count, long seed) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(TestData.random(seed + i, CHUNK));
    }
    return out;
  }

  private static void await(String what, long seconds, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + seconds + " s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private void awaitBacklogEmpty() throws Exception {
    await(
        "the backlog empty (" + medium.stats() + ")",
        120,
        () -> medium.backlogBytes() == 0 && medium.stats().uploadBacklogPacks() == 0);
  }

  /**
   * Every chunk read back from the bucket alone: the store reopened (its last pack sealed and
   * uploaded), then its index, spool and cache deleted and the index rebuilt from the packs.
   */
  private void assertAllInTheBucket(ObjectStoreConfig pool, List<ChunkId> ids, List<byte[]> data)
      throws Exception {
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      awaitBacklogEmpty();
    }
    Directories.deleteTree(dir.resolve("store").resolve("index"));
    Directories.deleteTree(dir.resolve("store").resolve("packs"));
    Directories.deleteTree(dir.resolve("store").resolve("pack-cache"));
    try (ChunkStore store = ChunkStores.openRebuildingIndex(config(), media(pool))) {
      assertEquals(ids.size(), store.stats().chunks());
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i + " from the bucket");
      }
    }
  }

  /**
   * (a) Every request answered 503 SlowDown for a while: packs sealed meanwhile wait in the
   * spool, the failed attempts are counted; once the store answers again they go up by
   * themselves, none lost, the backlog back to 0.
   */
  @Test
  void packsSealedWhileTheStoreAnswers503GoUpOnceItRecovers() throws Exception {
    ObjectStoreConfig pool = viaProxy(64L << 20);
    List<byte[]> data = chunks(200, 10_000);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      proxy.inject(Fault.slowDown(), Integer.MAX_VALUE, r -> true);
      for (byte[] c : data) {
        ids.add(store.put(c));
      }
      store.sync();
      await("two failed uploads", 120, () -> medium.stats().uploadFailures() >= 2);
      MediumStats during = medium.stats();
      assertTrue(during.uploadBacklogPacks() >= 2, during.toString());
      assertTrue(during.lastUploadFailure().contains("503"), during.lastUploadFailure());
      proxy.clear();
      awaitBacklogEmpty();
      MediumStats after = medium.stats();
      assertNull(after.lastUploadFailure());
      assertTrue(after.uploadFailures() >= 2, after.toString());
      assertTrue(after.requestErrors() >= 2, after.toString());
      // each failed upload is the SDK's last attempt of several: the others are its retries
      assertTrue(after.requestRetries() >= 2 * after.uploadFailures(), after.toString());
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i);
      }
    }
    assertAllInTheBucket(pool, ids, data);
  }

  /**
   * (b) Uploads broken mid-body: one cut after 1 MiB reached the server, one dropped after
   * 512 KiB that never did, one dropped at its head. Each is retried, and the object in the
   * bucket is the pack, byte for byte.
   */
  @Test
  void uploadsBrokenMidBodyAreRetriedAndTheObjectIsWhole() throws Exception {
    ObjectStoreConfig pool = viaProxy(64L << 20);
    try (ObjectStorePackMedium m =
        ObjectStorePackMedium.open(
            pool,
            dir.resolve("packs"),
            PoolLease.DEFAULT_DURATION,
            Clock.systemUTC(),
            ObjectStorePackMedium.Access.WRITE)) {
      int faults = proxy.faultsDone();
      long seen = proxy.seen().stream().filter(PACK_PUT).count();
      proxy.inject(new Fault.CutRequestBody(1 << 20), 1, PACK_PUT);
      proxy.inject(new Fault.Drop(512 << 10), 1, PACK_PUT);
      proxy.inject(Fault.drop(), 1, PACK_PUT);
      byte[] pack = TestData.random(7, 3 * PackCache.PAGE + 4_321);
      try (PackMedium.Appender out = m.create(1)) {
        out.append(ByteBuffer.wrap(pack));
        out.force();
      }
      m.seal(1);
      await("the upload", 120, () -> m.backlogBytes() == 0);
      assertEquals(faults + 3, proxy.faultsDone());
      assertEquals(
          seen + 4, proxy.seen().stream().filter(PACK_PUT).count(), "three broken, one whole");
      try (S3Client s3 = TestBucket.client(bucket.server)) {
        byte[] there =
            s3.getObjectAsBytes(r -> r.bucket(pool.bucket()).key(m.uploadKey(1))).asByteArray();
        assertArrayEquals(pack, there);
      }
      ByteBuffer back = ByteBuffer.allocate(pack.length);
      try (PackMedium.Reader r = m.openForRead(1)) {
        assertEquals(pack.length, r.read(back, 0));
      }
      assertArrayEquals(pack, back.array());
    }
  }

  /**
   * An upload whose body the network stops taking (the proxy reads no more of it) is abandoned
   * once its attempt's time is up, and tried again: the object arrives whole. With no time per
   * attempt it waited for ever (a 32 MiB PUT still hung after 460 s: the JDK's client has no
   * timeout on writes).
   */
  @Test
  void aStalledUploadIsAbandonedAndTriedAgain() throws Exception {
    ObjectStoreConfig pool = viaProxy(0);
    byte[] bytes = TestData.random(12, 16 << 20);
    Path file = Files.write(dir.resolve("big"), bytes);
    String key = pool.prefix() + "big";
    S3ObjectStore.Timeouts timeouts =
        new S3ObjectStore.Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), 64L << 20);
    assertEquals(Duration.ofMillis(2_250), timeouts.upload(16 << 20));
    try (ObjectStore store = S3ObjectStore.open(pool, timeouts)) {
      proxy.inject(new Fault.StallRequestBody(1 << 20), 1, r -> r.method().equals("PUT"));
      long start = System.nanoTime();
      assertTrue(
          assertTimeoutPreemptively(Duration.ofSeconds(60), () -> store.putIfAbsent(key, file)));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took >= 2_000, took + " ms");
      try (S3Client s3 = TestBucket.client(bucket.server)) {
        assertArrayEquals(
            bytes, s3.getObjectAsBytes(r -> r.bucket(pool.bucket()).key(key)).asByteArray());
      }
    }
  }

  /**
   * A DeleteObjects answered with per-key errors: NoSuchKey is no error; any other code fails
   * the call naming the key and the code, and the batches after it are not sent.
   */
  @Test
  void aKeyRefusedInABatchedDeleteIsAnErrorNamingIt() throws Exception {
    ObjectStoreConfig pool = viaProxy(0);
    Predicate<Request> multiDelete =
        r -> r.method().equals("POST") && r.target().contains("?delete");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < ObjectStore.DELETE_BATCH + 1; i++) {
      keys.add(pool.prefix() + "k" + i);
    }
    String gone = pool.prefix() + "k1";
    String refused = pool.prefix() + "k2";
    try (ObjectStore store = S3ObjectStore.open(pool)) {
      proxy.inject(deleteResult(error(gone, "NoSuchKey")), 1, multiDelete);
      store.deleteAll(List.of(gone));
      int sent = proxy.seen().size();
      proxy.inject(
          deleteResult(error(gone, "NoSuchKey") + error(refused, "AccessDenied")), 1, multiDelete);
      IOException e = assertThrows(IOException.class, () -> store.deleteAll(keys));
      assertEquals(
          "cannot delete s3://" + pool.bucket() + "/" + refused + ": AccessDenied (no)",
          e.getMessage());
      assertEquals(1, proxy.seen().stream().skip(sent).filter(multiDelete).count());
    }
  }

  private static Fault deleteResult(String errors) {
    return new Fault.Answer(
        200,
        "OK",
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult"
            + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + errors
            + "</DeleteResult>");
  }

  private static String error(String key, String code) {
    return "<Error><Key>" + key + "</Key><Code>" + code + "</Code><Message>no</Message></Error>";
  }

  /**
   * (c) GETs whose response body is cut short (the JDK's HTTP client hands the bytes that came
   * over as if they were all): each is tried again, and never returns fewer bytes than the
   * object holds; cut every time, it fails.
   */
  @Test
  void aGetCutShortIsTriedAgainAndNeverReturnsFewerBytes() throws Exception {
    ObjectStoreConfig pool = viaProxy(0);
    byte[] object = TestData.random(11, 300_000);
    String key = pool.prefix() + "object";
    Predicate<Request> get = r -> r.method().equals("GET") && r.target().contains("/object");
    int faults = proxy.faultsDone();
    try (ObjectStore store = S3ObjectStore.open(pool)) {
      assertTrue(store.putIfAbsent(key, object));
      proxy.inject(new Fault.CutResponseBody(1_000), 1, get);
      assertArrayEquals(object, store.get(key));
      proxy.inject(new Fault.CutResponseBody(0), 1, get);
      assertArrayEquals(
          java.util.Arrays.copyOfRange(object, 100, 200_100), store.get(key, 100, 200_000));
      proxy.inject(new Fault.CutResponseBody(299_999), 1, get);
      assertArrayEquals(object, store.read(key).bytes());
      assertEquals(faults + 3, proxy.faultsDone());
      proxy.inject(new Fault.CutResponseBody(150_000), Integer.MAX_VALUE, get);
      IOException e = assertThrows(IOException.class, () -> store.get(key, 0, 200_000));
      assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }
  }

  /**
   * (c) Reads of pack pages whose first GET is cut short, at many places: every chunk reads
   * back, none is taken for damaged; with every GET cut, a read fails with an IOException that
   * says so, not with a chunk reported damaged, and no short page is kept in the cache.
   */
  @Test
  void aChunkReadCutShortGetsTheRightBytesOrAnIoError() throws Exception {
    ObjectStoreConfig pool = viaProxy(64L << 20);
    List<byte[]> data = chunks(150, 20_000);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : data) {
        ids.add(store.put(c));
      }
    }
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      awaitBacklogEmpty();
      int faults = proxy.faultsDone();
      for (int i = 0; i < ids.size(); i++) {
        // cut anywhere in the page, the header of the first record included
        proxy.inject(new Fault.CutResponseBody((i * 7_919L) % PackCache.PAGE), 1, PACK_GET);
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i);
        for (int p : medium.list()) {
          medium.cache().forget(p); // so that the next read misses again
        }
      }
      assertEquals(faults + ids.size(), proxy.faultsDone());
      proxy.inject(new Fault.CutResponseBody(20_000), Integer.MAX_VALUE, PACK_GET);
      for (int i = 0; i < 3; i++) {
        ChunkId id = ids.get(i * 50);
        IOException e = assertThrows(IOException.class, () -> store.get(id));
        assertFalse(e instanceof ChunkCorruptedException, e.toString());
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
      }
      proxy.clear();
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i + ", faults over");
      }
    }
  }

  /**
   * (d) Pages in the read cache are read while every request fails: the store cannot be reached,
   * and every chunk whose page is cached still reads back without a request.
   */
  @Test
  void cachedPagesAreReadWhileEveryRequestFails() throws Exception {
    ObjectStoreConfig pool = viaProxy(64L << 20);
    List<byte[]> data = chunks(150, 30_000);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      for (byte[] c : data) {
        ids.add(store.put(c));
      }
    }
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      awaitBacklogEmpty();
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)));
      }
      long misses = medium.cache().misses();
      int seen = proxy.seen().size();
      proxy.inject(Fault.drop(), Integer.MAX_VALUE, r -> true);
      for (int i = 0; i < ids.size(); i++) {
        assertArrayEquals(data.get(i), store.get(ids.get(i)), "chunk " + i + ", store gone");
      }
      assertEquals(misses, medium.cache().misses());
      assertTrue(
          proxy.seen().stream().skip(seen).noneMatch(PACK_GET), "no page was asked for again");
      proxy.clear(); // so that the lease is released
    }
  }

  /**
   * (e) The server killed under a writer and started again a few seconds later: the writer
   * never stops, and every chunk written before, during and after reads back from the bucket.
   */
  @Test
  void theServerKilledAndRestartedUnderAWriterLosesNothing() throws Exception {
    ObjectStoreConfig pool = viaProxy(64L << 20);
    List<byte[]> data = chunks(400, 40_000);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config(), media(pool))) {
      AtomicInteger written = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (byte[] c : data) {
                    ids.add(store.put(c));
                    if (written.incrementAndGet() % 25 == 0) {
                      store.sync();
                    }
                    Thread.sleep(10);
                  }
                } catch (IOException | InterruptedException e) {
                  throw new RuntimeException(e);
                }
              });
      List<Throwable> writerFailed = new ArrayList<>();
      writer.setUncaughtExceptionHandler((t, e) -> writerFailed.add(e));
      writer.start();
      await("a pack uploaded", 120, () -> medium.stats().requests().put() >= 3);
      bucket.server.kill();
      int atKill = written.get();
      Thread.sleep(2_000);
      bucket.server.start();
      int atStart = written.get();
      writer.join(300_000);
      assertEquals(List.of(), writerFailed);
      assertEquals(data.size(), ids.size());
      assertTrue(atStart > atKill, "written while the server was down: " + atKill + " " + atStart);
      store.sync();
      awaitBacklogEmpty();
    }
    assertAllInTheBucket(pool, ids, data);
  }
}
