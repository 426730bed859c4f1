package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ConnectionLimits;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.TestData;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients past their own or the listener's connection limit, against a real server over real
 * sockets. Loopback aliases stand for distinct client hosts: the per-client count is per IP.
 */
class ConnectionLimitTest {
  private static final String VOL = "test/vol";
  private static final int BLOCK = 4096;
  private static final InetAddress GREEDY = loopback(2);
  private static final InetAddress OTHER = loopback(3);
  private static final InetAddress THIRD = loopback(4);

  @TempDir Path dir;
  private TestExports exports;
  private NbdServer server;
  private int port;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Logger serverLog = Logger.getLogger("io.granary.nbd.transport.NettyNbdServer");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void volume() throws Exception {
    exports = new TestExports(dir);
    exports.create("vol", 1 << 20);
    serverLog.addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    serverLog.removeHandler(capture);
    for (AutoCloseable c : open) {
      c.close();
    }
    exports.close();
  }

  private void serve(int total, int perClient, Path unixSocket) throws IOException {
    NbdServerConfig config =
        NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
            .withLimits(
                ConnectionLimits.DEFAULTS
                    .withMaxConnections(total)
                    .withMaxConnectionsPerClient(perClient));
    server = exports.serve(unixSocket == null ? config : config.withUnixSocket(unixSocket));
    port = TestExports.port(server);
  }

  @Test
  void aClientPastItsLimitIsClosedBeforeTheGreetingWhileOthersAreServed() throws Exception {
    serve(100, 3, null);
    List<RawNbdClient> greedy = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      greedy.add(held(RawNbdClient.open(GREEDY, port, VOL, false)));
    }
    assertThrows(
        EOFException.class,
        () -> RawNbdClient.connect(GREEDY, port),
        "a fourth connection from the same address gets no greeting");
    assertEquals(1, server.refusedConnections());

    try (RawNbdClient other = RawNbdClient.open(OTHER, port, VOL, false)) {
      byte[] data = TestData.random(1, BLOCK);
      assertEquals(0, other.write(1, 0, data));
      assertArrayEquals(data, other.read(2, 0, BLOCK));
    }
    for (RawNbdClient c : greedy) {
      c.read(3, 0, BLOCK);
    }
    greedy.get(0).close();
    // Admitted again once the server has seen that connection close.
    held(awaitAdmitted(GREEDY));
    assertTrue(server.connections() <= 3, server.connections() + " connections open");
  }

  @Test
  void theListenerRefusesPastItsTotalWhateverTheClient() throws Exception {
    serve(4, 3, null);
    for (int i = 0; i < 3; i++) {
      held(RawNbdClient.connect(GREEDY, port));
    }
    RawNbdClient other = held(RawNbdClient.connect(OTHER, port));
    assertThrows(EOFException.class, () -> RawNbdClient.connect(THIRD, port), "a new client");
    assertThrows(EOFException.class, () -> RawNbdClient.connect(OTHER, port), "a known one");
    assertEquals(2, server.refusedConnections());
    assertEquals(4, server.connections());
    assertTrue(
        logged.stream().anyMatch(m -> m.contains("4 connections are open (the listener's limit)")),
        logged.toString());

    other.close();
    held(awaitAdmitted(THIRD));
  }

  @Test
  void aClientRetryingInALoopIsCountedEveryTimeButLoggedOnce() throws Exception {
    serve(100, 1, null);
    held(RawNbdClient.open(GREEDY, port, VOL, false));
    long start = System.nanoTime();
    int attempts = 200;
    for (int i = 0; i < attempts; i++) {
      assertThrows(EOFException.class, () -> RawNbdClient.connect(GREEDY, port));
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(attempts, server.refusedConnections());
    long lines =
        logged.stream()
            .filter(m -> m.startsWith("refused NBD connection from 127.0.0.2: "))
            .count();
    // One line per 10 s at most: a single one unless this machine took that long.
    assertTrue(
        lines >= 1 && lines <= 1 + seconds / 10, lines + " lines in " + seconds + " s: " + logged);
    try (RawNbdClient other = RawNbdClient.open(OTHER, port, VOL, false)) {
      assertArrayEquals(new byte[BLOCK], other.read(1, 0, BLOCK));
    }
  }

  @Test
  void unixSocketPeersCountPerUserApartFromTcpClients() throws Exception {
    Path socket = dir.resolve("nbd.sock");
    serve(100, 2, socket);
    held(unixGreeting(socket));
    held(unixGreeting(socket));
    SocketChannel refused = held(SocketChannel.open(StandardProtocolFamily.UNIX));
    refused.connect(UnixDomainSocketAddress.of(socket));
    assertEquals(-1, refused.read(ByteBuffer.allocate(18)), "a third connection of this user");
    assertEquals(1, server.refusedConnections());
    assertTrue(
        logged.stream()
            .anyMatch(
                m ->
                    m.startsWith(
                        "refused NBD connection from unix:"
                            + System.getProperty("user.name")
                            + ": ")),
        logged.toString());
    try (RawNbdClient tcp = RawNbdClient.open(port, VOL, false)) {
      assertArrayEquals(new byte[BLOCK], tcp.read(1, 0, BLOCK));
    }
  }

  /** A Unix-socket connection that got the greeting. */
  private static SocketChannel unixGreeting(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    ByteBuffer greeting = ByteBuffer.allocate(18);
    while (greeting.hasRemaining()) {
      if (ch.read(greeting) < 0) {
        ch.close();
        throw new EOFException("closed before the greeting");
      }
    }
    assertEquals(0x4e42444d41474943L, greeting.getLong(0));
    return ch;
  }

  /** Connects from {@code from} until admitted: a close reaches the server a moment later. */
  private RawNbdClient awaitAdmitted(InetAddress from) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        return RawNbdClient.connect(from, port);
      } catch (EOFException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(from + " is still refused after 5 s", e);
        }
        Thread.sleep(20);
      }
    }
  }

  private <T extends AutoCloseable> T held(T c) {
    open.add(c);
    return c;
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
