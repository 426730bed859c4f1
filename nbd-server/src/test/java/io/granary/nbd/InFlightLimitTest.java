package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ConnectionLimits;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.nbd.testing.VolumeGate;
import io.granary.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that sends more than its in-flight budget, in bytes or in requests, is slowed
 * down, never stalled: reading pauses while the budget is spent and resumes as replies go out.
 */
class InFlightLimitTest {
  private static final int MIB = 1 << 20;
  private static final int WRITES = 8;
  private static final int SIZE = 8 * MIB;

  /** Far more I/O threads than the request bound, so that only the bound can hold calls back. */
  private static final int IO_THREADS = 64;

  @TempDir Path dir;

  @Test
  void twiceTheBudgetPipelinedIsAllAnswered() throws Exception {
    try (TestExports exports = new TestExports(dir)) {
      exports.create("vol", WRITES * SIZE);
      int port =
          TestExports.port(
              exports.serve(
                  NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
                      .withMaxInFlightBytes(32L * MIB)));
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < WRITES; i++) {
          all.writeBytes(
              NbdWire.request(
                  0, RawNbdClient.WRITE, i, (long) i * SIZE, SIZE, TestData.random(i, SIZE)));
        }
        c.send(all.toByteArray());
        Set<Long> cookies = new HashSet<>();
        for (int i = 0; i < WRITES; i++) {
          RawNbdClient.SimpleReply r = c.readSimple();
          assertEquals(0, r.error());
          cookies.add(r.cookie());
        }
        assertEquals(WRITES, cookies.size());
        for (int i = 0; i < WRITES; i += 7) {
          assertArrayEquals(
              TestData.random(i, SIZE), c.read(100 + i, (long) i * SIZE, SIZE), "write " + i);
        }
      }
    }
  }

  @Test
  void requestsPipelinedFarPastTheRequestLimitAreAllAnsweredNeverMoreThanTheLimitAtOnce()
      throws Exception {
    int limit = 8;
    int requests = 2000;
    int length = 512;
    try (TestExports exports = new TestExports(dir)) {
      exports.create("vol", 16 * MIB);
      VolumeGate gate = new VolumeGate();
      exports.wrap("test/vol", gate::wrap);
      int port = TestExports.port(exports.serve(serverWith(limit, 128L * MIB)));
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
          all.writeBytes(
              NbdWire.request(0, RawNbdClient.READ, i, (long) i * 4096 % (16 * MIB), length, null));
        }
        c.send(all.toByteArray());
        assertTrue(
            gate.awaitInside(limit, 10, TimeUnit.SECONDS),
            "only " + gate.inside() + " of the first " + limit + " reads reached the volume");
        // Time for a request past the bound to get in, were the bound not kept.
        Thread.sleep(300);
        assertEquals(limit, gate.peak(), "reads in the volume at once while it blocks");
        gate.open();

        Set<Long> cookies = new HashSet<>();
        for (int i = 0; i < requests; i++) {
          RawNbdClient.SimpleReply r = c.readSimple();
          assertEquals(0, r.error(), "read " + r.cookie());
          c.readBytes(length);
          cookies.add(r.cookie());
        }
        assertEquals(requests, cookies.size(), "every request answered once");
        assertEquals(requests, gate.calls());
        assertEquals(limit, gate.peak(), "reads in the volume at once, over the whole run");
      } finally {
        gate.open();
      }
    }
  }

  @Test
  void aClientAtTheRequestLimitIsHeldBackByTcpUntilRepliesGoOut() throws Exception {
    int limit = 4;
    int writes = 1024;
    int length = 64 << 10;
    byte[] data = TestData.random(7, length);
    byte[] request = NbdWire.request(0, RawNbdClient.WRITE, 0, 0, length, data);
    long total = (long) writes * request.length;
    try (TestExports exports = new TestExports(dir)) {
      exports.create("vol", (long) writes * length);
      VolumeGate gate = new VolumeGate();
      exports.wrap("test/vol", gate::wrap);
      // A byte budget far above what is sent: only the request bound can stop the reading.
      int port = TestExports.port(exports.serve(serverWith(limit, 4L << 30)));
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    for (int i = 0; i < writes; i++) {
                      c.request(0, RawNbdClient.WRITE, i, (long) i * length, length, data);
                      sent.addAndGet(request.length);
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        CompletableFuture<Set<Long>> replies =
            CompletableFuture.supplyAsync(
                () -> {
                  Set<Long> cookies = new HashSet<>();
                  try {
                    for (int i = 0; i < writes; i++) {
                      RawNbdClient.SimpleReply r = c.readSimple();
                      if (r.error() == 0) {
                        cookies.add(r.cookie());
                      }
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  return cookies;
                });
        assertTrue(gate.awaitInside(limit, 10, TimeUnit.SECONDS));
        long stalled = awaitStall(sent);
        assertTrue(stalled < total, "the server read all " + total + " bytes past its bound");
        assertEquals(limit, gate.calls(), "writes that reached the volume while it blocks");
        System.out.printf(
            "request bound %d: client held back after %d of %d bytes%n", limit, stalled, total);
        gate.open();

        writer.get(60, TimeUnit.SECONDS);
        Set<Long> cookies = replies.get(60, TimeUnit.SECONDS);
        assertEquals(writes, cookies.size(), "every write answered without error");
        assertEquals(limit, gate.peak());
        assertArrayEquals(data, c.read(writes, (long) (writes - 1) * length, length));
      } finally {
        gate.open();
      }
    }
  }

  @Test
  void discBehindRequestsWaitingForTheBoundAnswersThemAllThenCloses() throws Exception {
    int writes = 64;
    try (TestExports exports = new TestExports(dir)) {
      exports.create("vol", MIB);
      int port = TestExports.port(exports.serve(serverWith(2, 128L * MIB)));
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < writes; i++) {
          all.writeBytes(
              NbdWire.request(0, RawNbdClient.WRITE, i, i * 4096L, 4096, TestData.random(i, 4096)));
        }
        all.writeBytes(NbdWire.request(0, RawNbdClient.DISC, writes, 0, 0, null));
        c.send(all.toByteArray());
        Set<Long> cookies = new HashSet<>();
        for (int i = 0; i < writes; i++) {
          RawNbdClient.SimpleReply r = c.readSimple();
          assertEquals(0, r.error());
          cookies.add(r.cookie());
        }
        assertEquals(writes, cookies.size());
        assertTrue(c.closedByServer(), "DISC closes once every write is answered");
      }
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        for (int i = 0; i < writes; i += 9) {
          assertArrayEquals(TestData.random(i, 4096), c.read(i, i * 4096L, 4096), "block " + i);
        }
      }
    }
  }

  private static NbdServerConfig serverWith(int maxRequests, long maxBytes) {
    return NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
        .withIoThreads(IO_THREADS)
        .withMaxInFlightBytes(maxBytes)
        .withLimits(ConnectionLimits.DEFAULTS.withMaxRequestsInFlight(maxRequests));
  }

  /** The bytes sent once they have not grown for half a second: the sender is blocked. */
  private static long awaitStall(AtomicLong sent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = sent.get();
      if (now == last) {
        return now;
      }
      last = now;
      Thread.sleep(500);
    }
    throw new AssertionError("the client never stopped sending: " + last + " bytes");
  }
}
