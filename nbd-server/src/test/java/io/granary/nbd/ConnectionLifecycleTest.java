package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ConnectionLimits;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that vanish, stall, pipeline or disconnect, against a real server. */
class ConnectionLifecycleTest {
  private static final String VOL = "test/vol";
  private static final int BLOCK = 4096;
  private static final int PIPELINED = 64;

  @TempDir Path dir;
  private TestExports exports;
  private NbdServer server;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    exports = new TestExports(dir);
    exports.create("vol", 4 << 20);
    server =
        exports.serve(
            NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
                .withHandshakeTimeout(Duration.ofMillis(300))
                .withLimits(ConnectionLimits.DEFAULTS.withMaxHandshake(Duration.ofMillis(1500))));
    port = TestExports.port(server);
  }

  @AfterEach
  void stop() throws Exception {
    exports.close();
  }

  @Test
  void aClientThatVanishesMidWriteLeavesTheServerServing() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      byte[] half = new byte[512 << 10];
      c.send(NbdWire.request(0, RawNbdClient.WRITE, 1, 0, 1 << 20, half));
    }
    awaitConnections(0);
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      byte[] data = TestData.random(3, BLOCK);
      assertEquals(0, c.write(2, 0, data));
      assertArrayEquals(data, c.read(3, 0, BLOCK));
    }
  }

  @Test
  void aHandshakeThatNeverEndsIsClosedAfterTheTimeout() throws Exception {
    long start = System.nanoTime();
    try (RawNbdClient silent = RawNbdClient.connect(port);
        RawNbdClient stalled = RawNbdClient.connect(port)) {
      stalled.send(ByteBuffer.allocate(4).putInt(3).array());
      stalled.send(NbdWire.option(3, new byte[0]));
      assertEquals(2, stalled.readOptionReply().type(), "NBD_REP_SERVER for test/vol");
      assertEquals(1, stalled.readOptionReply().type(), "LIST is acknowledged, then nothing more");
      assertTrue(silent.closedByServer());
      assertTrue(stalled.closedByServer());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 250, "closed after " + millis + " ms, before the timeout");
    awaitConnections(0);
  }

  @Test
  void aHandshakeThatTricklesOptionsIsClosedAtTheTotalLimit() throws Exception {
    long start = System.nanoTime();
    int answered = 0;
    try (RawNbdClient trickler = RawNbdClient.connect(port)) {
      trickler.send(ByteBuffer.allocate(4).putInt(3).array());
      try {
        while (System.nanoTime() - start < 10_000_000_000L) {
          trickler.send(NbdWire.option(0x7ff, new byte[0])); // unknown: ERR_UNSUP, go on
          trickler.readOptionReply();
          answered++;
          Thread.sleep(200); // never idle for the 300 ms timeout
        }
      } catch (IOException closed) {
        // the server hung up
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(answered >= 5, "options were answered meanwhile: " + answered);
    assertTrue(millis >= 1500 && millis < 5000, "closed after " + millis + " ms, limit 1500 ms");
    awaitConnections(0);
  }

  @Test
  void theTimeoutEndsWithTheHandshake() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      Thread.sleep(600);
      assertArrayEquals(new byte[BLOCK], c.read(1, 0, BLOCK));
    }
  }

  @Test
  void pipelinedRequestsAreAllAnsweredWithTheirCookies() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      c.send(writes(1000));
      Set<Long> cookies = new HashSet<>();
      for (int i = 0; i < PIPELINED; i++) {
        RawNbdClient.SimpleReply r = c.readSimple();
        assertEquals(0, r.error());
        cookies.add(r.cookie());
      }
      assertEquals(expectedCookies(1000), cookies);

      ByteArrayOutputStream reads = new ByteArrayOutputStream();
      for (int i = 0; i < PIPELINED; i++) {
        reads.writeBytes(
            NbdWire.request(0, RawNbdClient.READ, 2000 + i, (long) i * BLOCK, BLOCK, null));
      }
      c.send(reads.toByteArray());
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < PIPELINED; i++) {
        RawNbdClient.SimpleReply r = c.readSimple();
        assertEquals(0, r.error());
        int n = (int) (r.cookie() - 2000);
        assertArrayEquals(TestData.random(n, BLOCK), c.readBytes(BLOCK), "block " + n);
        seen.add(r.cookie());
      }
      assertEquals(expectedCookies(2000), seen);
    }
  }

  @Test
  void discAfterPipelinedWritesAnswersThemAllThenCloses() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(writes(1000));
      all.writeBytes(NbdWire.request(0, RawNbdClient.DISC, 5000, 0, 0, null));
      c.send(all.toByteArray());
      Set<Long> cookies = new HashSet<>();
      for (int i = 0; i < PIPELINED; i++) {
        RawNbdClient.SimpleReply r = c.readSimple();
        assertEquals(0, r.error());
        cookies.add(r.cookie());
      }
      assertEquals(expectedCookies(1000), cookies);
      assertTrue(c.closedByServer(), "DISC closes once the writes are answered");
    }
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      for (int i = 0; i < PIPELINED; i++) {
        assertArrayEquals(
            TestData.random(i, BLOCK), c.read(i, (long) i * BLOCK, BLOCK), "block " + i);
      }
    }
  }

  @Test
  void aClientSendingOneByteAtATimeIsServed() throws Exception {
    ByteArrayOutputStream handshakeAndWrite = new ByteArrayOutputStream();
    handshakeAndWrite.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
    handshakeAndWrite.writeBytes(NbdWire.option(7, NbdWire.exportRequest(VOL)));
    byte[] data = TestData.random(5, 1000);
    handshakeAndWrite.writeBytes(NbdWire.request(0, RawNbdClient.WRITE, 1, 777, data.length, data));
    try (RawNbdClient c = RawNbdClient.connect(port)) {
      sendByteByByte(c, handshakeAndWrite.toByteArray());
      int type;
      do {
        type = c.readOptionReply().type();
      } while (type == 3);
      assertEquals(1, type, "GO is acknowledged");
      assertEquals(new RawNbdClient.SimpleReply(0, 1), c.readSimple());
      // Replies may come out of order: the read goes out only once the write is answered.
      sendByteByByte(c, NbdWire.request(0, RawNbdClient.READ, 2, 777, data.length, null));
      assertEquals(new RawNbdClient.SimpleReply(0, 2), c.readSimple());
      assertArrayEquals(data, c.readBytes(data.length));
    }
  }

  private static void sendByteByByte(RawNbdClient c, byte[] bytes) throws Exception {
    for (byte b : bytes) {
      c.send(new byte[] {b});
    }
  }

  /** {@value #PIPELINED} WRITE requests of distinct blocks, cookies from {@code firstCookie}. */
  private static byte[] writes(long firstCookie) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < PIPELINED; i++) {
      out.writeBytes(
          NbdWire.request(
              0,
              RawNbdClient.WRITE,
              firstCookie + i,
              (long) i * BLOCK,
              BLOCK,
              TestData.random(i, BLOCK)));
    }
    return out.toByteArray();
  }

  private static Set<Long> expectedCookies(long first) {
    Set<Long> s = new HashSet<>();
    for (int i = 0; i < PIPELINED; i++) {
      s.add(first + i);
    }
    return s;
  }

  private void awaitConnections(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (server.connections() != n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, server.connections(), "open connections");
  }
}
