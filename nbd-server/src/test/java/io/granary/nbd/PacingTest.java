package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.NbdServers;
import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.testing.IntervalPacer;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.RecordingPacer;
import io.granary.nbd.testing.RecordingPacer.Asked;
import io.granary.nbd.testing.TestExports;
import io.granary.snapshots.api.Volume;
import io.granary.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-export pacing (QoS) against a real server: a paced export runs no faster than its pacer
 * allows, while its requests wait on a timer rather than on the shared I/O threads, so that
 * other exports are not slowed. Timing bounds are loose: the build machine is shared.
 */
class PacingTest {
  private static final int BLOCK = 4096;
  private static final long NO_END = TimeUnit.HOURS.toNanos(1);

  @TempDir Path dir;
  private TestExports exports;

  @BeforeEach
  void create() throws Exception {
    exports = new TestExports(dir);
    exports.create("a", 4 << 20);
    exports.create("b", 4 << 20);
  }

  @AfterEach
  void stop() throws Exception {
    exports.close();
  }

  @Test
  void pipelinedReadsRunNoFasterThanThePacerAllows() throws Exception {
    int reads = 50;
    fill("a", reads);
    exports.pace("test/a", IntervalPacer.perSecond(100));
    int port = TestExports.port(exports.serve());
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      long start = System.nanoTime();
      c.send(reads(0, reads));
      Set<Long> cookies = readReplies(c, 0, reads);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(cookies(0, reads), cookies);
      assertTrue(millis >= (reads - 1) * 10, reads + " reads at 100/s took only " + millis + " ms");
    }
  }

  @Test
  void aThrottledExportDoesNotSlowItsNeighbour() throws Exception {
    // One I/O thread: a throttled request that parked it would stall export b outright.
    int throttled = 32;
    fill("a", throttled);
    fill("b", 50);
    exports.pace("test/a", new IntervalPacer(Duration.ofMillis(100)));
    int port =
        TestExports.port(
            exports.serve(
                NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)).withIoThreads(1)));
    try (RawNbdClient a = RawNbdClient.open(port, "test/a", false);
        RawNbdClient b = RawNbdClient.open(port, "test/b", false)) {
      long start = System.nanoTime();
      a.send(reads(0, throttled));
      for (int i = 0; i < 50; i++) {
        assertArrayEquals(
            TestData.random(i, BLOCK), b.read(i, (long) i * BLOCK, BLOCK), "block " + i);
      }
      long neighbourMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(cookies(0, throttled), readReplies(a, 0, throttled));
      long throttledMillis = (System.nanoTime() - start) / 1_000_000;
      // Export a needs 3.1 s at least; export b's reads, ~1 ms each, all ran meanwhile.
      assertTrue(
          throttledMillis >= (throttled - 1) * 100,
          "export a was not throttled: " + throttledMillis + " ms");
      assertTrue(
          neighbourMillis < 2000,
          "50 reads on export b took " + neighbourMillis + " ms next to a throttled export");
    }
  }

  @Test
  void discAfterPacedWritesAnswersThemAllThenCloses() throws Exception {
    int writes = 32;
    exports.pace("test/a", IntervalPacer.perSecond(50));
    int port = TestExports.port(exports.serve());
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int i = 0; i < writes; i++) {
        all.writeBytes(
            NbdWire.request(
                0,
                RawNbdClient.WRITE,
                1000 + i,
                (long) i * BLOCK,
                BLOCK,
                TestData.random(i, BLOCK)));
      }
      all.writeBytes(NbdWire.request(0, RawNbdClient.DISC, 5000, 0, 0, null));
      c.send(all.toByteArray());
      assertEquals(cookies(1000, writes), writeReplies(c, writes));
      assertTrue(c.closedByServer(), "DISC closes once the paced writes are answered");
    }
    exports.pace("test/a", RequestPacer.NONE);
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      for (int i = 0; i < writes; i++) {
        assertArrayEquals(
            TestData.random(i, BLOCK), c.read(i, (long) i * BLOCK, BLOCK), "block " + i);
      }
    }
  }

  @Test
  void closingTheServerWithPacedRequestsHeldDoesNotHang() throws Exception {
    RecordingPacer pacer = new RecordingPacer(NO_END, TimeUnit.NANOSECONDS);
    exports.pace("test/a", pacer);
    NbdServer server = exports.serve();
    try (RawNbdClient c = RawNbdClient.open(TestExports.port(server), "test/a", false)) {
      c.send(reads(0, 8));
      c.send(writes(100, 8));
      pacer.awaitAsked(16);
      long start = System.nanoTime();
      server.close();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 10_000, "closing took " + millis + " ms");
      assertTrue(c.closedByServer());
    }
    awaitNoHandles("a");
  }

  @Test
  void aClientThatVanishesWithPacedRequestsHeldReleasesTheVolume() throws Exception {
    RecordingPacer pacer = new RecordingPacer(NO_END, TimeUnit.NANOSECONDS);
    exports.pace("test/a", pacer);
    NbdServer server = exports.serve();
    int port = TestExports.port(server);
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      c.send(writes(0, 4));
      pacer.awaitAsked(4);
      assertEquals(1, exports.volumes().openHandles("a"));
    }
    awaitNoHandles("a");
    assertEquals(0, server.connections());
    exports.pace("test/a", RequestPacer.NONE);
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      assertArrayEquals(new byte[BLOCK], c.read(1, 0, BLOCK), "a dropped write never ran");
    }
  }

  @Test
  void thePacerIsAskedEachDataRequestsCostAndNothingElse() throws Exception {
    RecordingPacer pacer = new RecordingPacer(0, TimeUnit.NANOSECONDS);
    exports.pace("test/a", pacer);
    int port = TestExports.port(exports.serve());
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      c.read(1, 0, BLOCK);
      assertEquals(0, c.write(2, BLOCK, TestData.random(2, 2 * BLOCK)));
      assertEquals(0, simple(c, RawNbdClient.TRIM, 3, 0, BLOCK));
      assertEquals(0, simple(c, RawNbdClient.WRITE_ZEROES, 4, 0, 3 * BLOCK));
      assertEquals(0, simple(c, RawNbdClient.FLUSH, 5, 0, 0));
      assertEquals(0, simple(c, 5 /* CACHE */, 6, 0, BLOCK));
    }
    assertEquals(
        List.of(
            new Asked(false, BLOCK),
            new Asked(true, 2 * BLOCK),
            new Asked(true, 0),
            new Asked(true, 0)),
        pacer.asked());
  }

  @Test
  void aFailingPacerOrCatalogLeavesTheExportUnpaced() throws Exception {
    exports.pace(
        "test/a",
        (write, bytes) -> {
          throw new IllegalStateException("token bucket broken");
        });
    int port = TestExports.port(exports.serve());
    try (RawNbdClient c = RawNbdClient.open(port, "test/a", false)) {
      assertEquals(0, c.write(1, 0, TestData.random(1, BLOCK)));
      assertArrayEquals(TestData.random(1, BLOCK), c.read(2, 0, BLOCK));
    }
    try (NbdServer server =
            NbdServers.start(
                NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)),
                new NoPacerCatalog(exports));
        RawNbdClient c = RawNbdClient.open(TestExports.port(server), "test/b", false)) {
      assertEquals(0, c.write(1, 0, TestData.random(1, BLOCK)));
      assertArrayEquals(TestData.random(1, BLOCK), c.read(2, 0, BLOCK));
    }
  }

  /** The test exports, behind a catalog that cannot say how to pace them. */
  private record NoPacerCatalog(ExportCatalog exports) implements ExportCatalog {
    @Override
    public List<ExportInfo> list() throws IOException {
      return exports.list();
    }

    @Override
    public Optional<ExportInfo> describe(String name) throws IOException {
      return exports.describe(name);
    }

    @Override
    public Volume open(String name) throws IOException {
      return exports.open(name);
    }

    @Override
    public RequestPacer pacer(String name) throws IOException {
      throw new IOException("QoS settings unreadable");
    }
  }

  /** Writes {@code blocks} blocks of known data to {@code volume}, past any pacing. */
  private void fill(String volume, int blocks) throws IOException {
    try (Volume v = exports.volumes().open(volume)) {
      for (int i = 0; i < blocks; i++) {
        v.write((long) i * BLOCK, TestData.random(i, BLOCK), 0, BLOCK, false);
      }
    }
  }

  private static int simple(RawNbdClient c, int type, long cookie, long offset, long length)
      throws IOException {
    c.request(0, type, cookie, offset, length, null);
    return c.checkedSimple(cookie).error();
  }

  /** READs of blocks {@code 0..n-1}, cookie {@code first + block}. */
  private static byte[] reads(long first, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(
          NbdWire.request(0, RawNbdClient.READ, first + i, (long) i * BLOCK, BLOCK, null));
    }
    return out.toByteArray();
  }

  /** WRITEs of blocks {@code 0..n-1} with known data, cookie {@code first + block}. */
  private static byte[] writes(long first, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(
          NbdWire.request(
              0,
              RawNbdClient.WRITE,
              first + i,
              (long) i * BLOCK,
              BLOCK,
              TestData.random(i, BLOCK)));
    }
    return out.toByteArray();
  }

  /** The cookies of {@code n} replies to {@link #reads}, each block's data as {@link #fill} wrote it. */
  private static Set<Long> readReplies(RawNbdClient c, long first, int n) throws IOException {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      RawNbdClient.SimpleReply r = c.readSimple();
      assertEquals(0, r.error(), "cookie " + r.cookie());
      int block = (int) (r.cookie() - first);
      assertArrayEquals(TestData.random(block, BLOCK), c.readBytes(BLOCK), "block " + block);
      seen.add(r.cookie());
    }
    return seen;
  }

  /** The cookies of {@code n} successful replies to WRITEs. */
  private static Set<Long> writeReplies(RawNbdClient c, int n) throws IOException {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      RawNbdClient.SimpleReply r = c.readSimple();
      assertEquals(0, r.error(), "cookie " + r.cookie());
      seen.add(r.cookie());
    }
    return seen;
  }

  private static Set<Long> cookies(long first, int n) {
    Set<Long> s = new HashSet<>();
    for (int i = 0; i < n; i++) {
      s.add(first + i);
    }
    return s;
  }

  private void awaitNoHandles(String volume) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (exports.volumes().openHandles(volume) != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, exports.volumes().openHandles(volume), "open handles on " + volume);
  }
}
