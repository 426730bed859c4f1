package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreException;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One writer per pool, on a real S3 server: a second appliance (another store directory, so
 * another owner) is refused while the first holds the lease, takes the pool over only
 * explicitly once it lapsed, and then the first, even one whose clock says its lease still
 * runs, can neither overwrite a pack of the second nor publish a checkpoint.
 */
class PoolLeaseTest {
  private static final Duration SHORT = Duration.ofMillis(1_500);
  @TempDir static Path serverDir;
  private static TestBucket bucket;
  @TempDir Path dir;
  private final List<PackMedium> opened = new ArrayList<>();

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

  @AfterEach
  void closeAll() {
    for (PackMedium m : opened) {
      try {
        m.close();
      } catch (IOException | RuntimeException ignored) {
        // a medium that lost its lease may fail to release it: that is the point
      }
    }
  }

  private ObjectStorePackMedium appliance(
      ObjectStoreConfig pool, String name, Clock clock, boolean takeOver) throws IOException {
    return appliance(
        pool,
        name,
        clock,
        takeOver ? ObjectStorePackMedium.Access.TAKE_OVER : ObjectStorePackMedium.Access.WRITE);
  }

  private ObjectStorePackMedium appliance(
      ObjectStoreConfig pool, String name, Clock clock, ObjectStorePackMedium.Access access)
      throws IOException {
    ObjectStorePackMedium m =
        ObjectStorePackMedium.open(pool, dir.resolve(name).resolve("packs"), SHORT, clock, access);
    opened.add(m);
    return m;
  }

  private static byte[] sealPack(ObjectStorePackMedium m, int packId) throws Exception {
    byte[] bytes = TestData.random(packId, 100_000);
    try (PackMedium.Appender out = m.create(packId)) {
      out.append(ByteBuffer.wrap(bytes));
      out.force();
    }
    m.seal(packId);
    return bytes;
  }

  private static Set<String> keys(ObjectStoreConfig pool) {
    try (S3Client s3 = TestBucket.client(bucket.server)) {
      return s3
          .listObjectsV2Paginator(r -> r.bucket(TestBucket.NAME).prefix(pool.prefix()))
          .contents()
          .stream()
          .map(S3Object::key)
          .collect(Collectors.toSet());
    }
  }

  @Test
  void aSecondApplianceIsRefusedUntilTheFirstReleasesThePool() throws Exception {
    ObjectStoreConfig pool = bucket.pool(1 << 20);
    ObjectStorePackMedium a = appliance(pool, "a", Clock.systemUTC(), false);
    StoreException e =
        assertThrows(StoreException.class, () -> appliance(pool, "b", Clock.systemUTC(), false));
    assertEquals(StoreException.Kind.LOCKED, e.kind());
    assertTrue(e.getMessage().contains("in use by appliance"), e.getMessage());
    Thread.sleep(SHORT.toMillis() * 2); // a renewed lease does not lapse
    assertThrows(StoreException.class, () -> appliance(pool, "b", Clock.systemUTC(), true));
    a.close();
    ObjectStorePackMedium b = appliance(pool, "b", Clock.systemUTC(), false);
    assertEquals(2, b.lease().epoch(), "released: the next holder needs no take-over");
  }

  /**
   * A reader beside the holder: it opens while the lease is held, reads the holder's packs,
   * writes nothing (no pack, no delete, no checkpoint), and leaves the holder's lease alone.
   */
  @Test
  void aReadOnlyApplianceReadsBesideTheHolderAndWritesNothing() throws Exception {
    ObjectStoreConfig pool = bucket.pool(1 << 20);
    ObjectStorePackMedium a = appliance(pool, "a", Clock.systemUTC(), false);
    byte[] a1 = sealPack(a, 1);
    a.awaitUploads();
    a.publishCheckpoint(100, "a's".getBytes(), 1);
    Set<String> before = keys(pool);
    ObjectStorePackMedium r =
        appliance(pool, "r", Clock.systemUTC(), ObjectStorePackMedium.Access.READ_ONLY);
    assertTrue(r.readOnly());
    try (PackMedium.Reader in = r.openForRead(1)) {
      ByteBuffer back = ByteBuffer.allocate(a1.length);
      assertEquals(a1.length, in.read(back, 0));
      assertArrayEquals(a1, back.array());
    }
    assertArrayEquals("a's".getBytes(), r.newestCheckpoint());
    assertThrows(IOException.class, () -> r.create(2));
    assertThrows(IOException.class, () -> r.delete(1));
    assertThrows(IOException.class, () -> r.publishCheckpoint(101, new byte[1], 1));
    r.seal(1); // what the bucket holds stays as it is
    Thread.sleep(SHORT.toMillis() * 2);
    r.close();
    assertEquals(before, keys(pool), "the reader wrote to the bucket");
    sealPack(a, 2); // the holder goes on: its lease was never disturbed
    a.awaitUploads();
    a.publishCheckpoint(101, "a's again".getBytes(), 2);
    assertEquals(1, a.lease().epoch());
  }

  @Test
  void aLapsedLeaseIsTakenOverOnlyExplicitlyAndTheOldHolderWritesNothingMore() throws Exception {
    ObjectStoreConfig pool = bucket.pool(1 << 20);
    // A's clock stands still: its lease always looks valid to it, as to a paused process
    Clock frozen = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    ObjectStorePackMedium a = appliance(pool, "a", frozen, false);
    byte[] a1 = sealPack(a, 1);
    a.awaitUploads();
    a.publishCheckpoint(100, "a's".getBytes(), 1);
    a.lease().abandon(); // it stops renewing without releasing: it froze, or died

    StoreException e =
        assertThrows(StoreException.class, () -> appliance(pool, "b", Clock.systemUTC(), false));
    assertTrue(e.getMessage().contains("in use by"), e.getMessage());
    Thread.sleep(SHORT.toMillis() + 500);
    e = assertThrows(StoreException.class, () -> appliance(pool, "b", Clock.systemUTC(), false));
    assertTrue(e.getMessage().contains("take the pool over explicitly"), e.getMessage());
    ObjectStorePackMedium b = appliance(pool, "b", Clock.systemUTC(), true);
    assertEquals(2, b.lease().epoch());
    byte[] b2 = sealPack(b, 2);
    b.awaitUploads();
    b.publishCheckpoint(200, "b's".getBytes(), 2);

    // A thaws, believing it still holds the pool: its pack 2 goes under its own epoch's key,
    // never over B's, and its checkpoint cannot become the pool's newest.
    sealPack(a, 2);
    a.awaitUploads();
    IOException refused =
        assertThrows(IOException.class, () -> a.publishCheckpoint(300, "a's".getBytes(), 2));
    assertTrue(
        refused.getMessage().contains("another appliance writes this pool"), refused.getMessage());
    assertArrayEquals("b's".getBytes(), b.newestCheckpoint());
    assertTrue(keys(pool).contains(b.uploadKey(2)));
    try (PackMedium.Reader r = b.openForRead(2)) {
      ByteBuffer dst = ByteBuffer.allocate(b2.length);
      r.read(dst, 0);
      assertArrayEquals(b2, dst.array(), "B's pack 2 is B's");
    }
    try (PackMedium.Reader r = b.openForRead(1)) {
      ByteBuffer dst = ByteBuffer.allocate(a1.length);
      r.read(dst, 0);
      assertArrayEquals(a1, dst.array(), "A's pack from before the take-over is B's to read");
    }
    // and its next renewal finds the lease gone: from then on it refuses by itself
    a.lease().renew();
    assertTrue(a.lease().lost());
    IOException lost = assertThrows(IOException.class, () -> a.lease().check());
    assertTrue(lost.getMessage().contains("took this pool over"), lost.getMessage());
  }

  /**
   * A take or a renewal the store applied but whose answer was lost, retried by the client and
   * refused as stale (412): the lease holds exactly what this holder wrote, so it is kept.
   */
  @Test
  void aRenewalAppliedButRefusedOnItsRetryKeepsTheLease() throws Exception {
    ObjectStoreConfig pool = bucket.pool(1 << 20);
    ObjectStore real = S3ObjectStore.open(pool);
    ObjectStore retrying =
        new ForwardingStore(real) {
          @Override
          public String swap(String key, byte[] bytes, String etag) throws IOException {
            String first = real.swap(key, bytes, etag);
            return first == null ? null : real.swap(key, bytes, etag); // the retry: 412
          }
        };
    try (PoolLease lease =
        PoolLease.acquire(
            retrying,
            pool.prefix() + "lease",
            "owner-1",
            "host",
            SHORT,
            Clock.systemUTC(),
            false)) {
      assertEquals(1, lease.epoch(), "taken at the first try, its lost answer found");
      lease.abandon();
      for (int i = 0; i < 3; i++) {
        lease.renew();
        assertTrue(!lease.lost(), "kept after renewal " + i);
      }
      lease.check();
    } finally {
      real.close();
    }
  }

  /** An ObjectStore passing every call on. */
  private static class ForwardingStore implements ObjectStore {
    private final ObjectStore inner;

    ForwardingStore(ObjectStore inner) {
      this.inner = inner;
    }

    @Override
    public boolean putIfAbsent(String key, Path file) throws IOException {
      return inner.putIfAbsent(key, file);
    }

    @Override
    public Versioned read(String key) throws IOException {
      return inner.read(key);
    }

    @Override
    public String swap(String key, byte[] bytes, String etag) throws IOException {
      return inner.swap(key, bytes, etag);
    }

    @Override
    public byte[] get(String key) throws IOException {
      return inner.get(key);
    }

    @Override
    public byte[] get(String key, long from, int length) throws IOException {
      return inner.get(key, from, length);
    }

    @Override
    public long size(String key) throws IOException {
      return inner.size(key);
    }

    @Override
    public void delete(String key) throws IOException {
      inner.delete(key);
    }

    @Override
    public java.util.Map<String, Long> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
