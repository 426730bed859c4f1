package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.Jazzer;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import io.granary.nbd.session.Limits;
import io.granary.nbd.testing.TestCertificates;
import io.granary.nbd.transport.EmbeddedNbdConnection;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole connection under arbitrary client bytes: the server's own Netty pipeline (frame
 * decoder, connection, STARTTLS's SslHandler) on an embedded channel, over {@link
 * MemoryExports}, in each TLS mode. The bytes (raw, or options and requests built as the
 * session tests build them) arrive in reads of a size the input picks, and volume work waits
 * until the event loop has read everything it was given, as behind a slow disk; the client may
 * hang up before the last requests are served.
 *
 * <p>Proves: no exception reaches the pipeline or the log; the decoder cuts frames that add up
 * to exactly the bytes sent, at any read boundary; the server's bytes are its greeting and a
 * well-formed answer to each frame in order ({@link PipelineReplay}); nothing is read after a
 * hang-up; the volume never sees a request it should have refused; volume work queued at once
 * never reads more than the in-flight budget plus one request; an idle handshake is closed
 * after its timeout and a DISC once its requests are answered; every volume handle is
 * released.
 */
class PipelineFuzzTest {
  /** The smallest budget the server accepts: one maximal request. */
  private static final long IN_FLIGHT = 32L << 20;

  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

  /** Enough for any sequence that matters; bounds the time of one input. */
  private static final int MAX_SEGMENTS = 64;

  @TempDir static Path certificates;
  private static ServerLog log;
  private static final Map<TlsMode, NbdServerConfig> CONFIGS = new EnumMap<>(TlsMode.class);
  private static final Map<TlsMode, SslContext> CONTEXTS = new EnumMap<>(TlsMode.class);

  @BeforeAll
  static void setUp() throws Exception {
    TestCertificates certs = TestCertificates.create(certificates);
    for (TlsMode mode : TlsMode.values()) {
      TlsSettings tls =
          mode == TlsMode.OFF
              ? TlsSettings.OFF
              : new TlsSettings(mode, certs.serverCertificate(), certs.serverKey(), null, false);
      NbdServerConfig config =
          NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
              .withTls(tls)
              .withAccess(MemoryExports.ACCESS_RULES)
              .withMaxInFlightBytes(IN_FLIGHT)
              .withHandshakeTimeout(HANDSHAKE_TIMEOUT);
      CONFIGS.put(mode, config);
      CONTEXTS.put(mode, EmbeddedNbdConnection.tls(tls));
    }
    log = ServerLog.watch();
  }

  @AfterAll
  static void releaseLog() {
    log.close();
  }

  @FuzzTest
  @Timeout(10)
  void pipeline(FuzzedDataProvider input) {
    TlsMode mode = input.pickValue(TlsMode.values());
    int readSize = input.consumeInt(1, 4096);
    boolean hangUpEarly = input.consumeBoolean();
    byte[] wire = wire(input);
    log.reset();
    MemoryExports exports = new MemoryExports();
    try (EmbeddedNbdConnection c =
        new EmbeddedNbdConnection(exports, CONFIGS.get(mode), CONTEXTS.get(mode))) {
      for (int at = 0; at < wire.length && c.reading(); at += readSize) {
        c.receive(Arrays.copyOfRange(wire, at, Math.min(at + readSize, wire.length)));
        if (at + readSize < wire.length || !hangUpEarly) {
          settle(c, exports);
        }
      }
      if (hangUpEarly) {
        c.disconnect();
        settle(c, exports);
      }
      PipelineReplay replay = PipelineReplay.replay(wire, c.received(), c.sent(), !c.isOpen());
      if (replay.disconnected()) {
        check(!c.isOpen(), "DISC did not close the connection");
      }
      if (c.isOpen() && !replay.transmitting()) {
        // A second at a time: the embedded channel runs due timers inside close(), which a real
        // event loop never does, so two timers due at once would interleave as they cannot.
        for (long s = 0; s <= HANDSHAKE_TIMEOUT.toSeconds(); s++) {
          c.advance(Duration.ofSeconds(1));
        }
        check(!c.isOpen(), "an idle handshake outlived its timeout");
      }
    }
    log.assertNoUnexpectedException();
    check(exports.misuses().isEmpty(), "volume misused: " + exports.misuses());
    check(exports.openHandles() == 0, exports.openHandles() + " volume handles left open");
  }

  /**
   * What the client sends: its flags, then raw bytes, options ({@link OptionStream}) and
   * requests ({@link RequestStream}, WRITE payloads up to 64 KiB) in any order, so that the
   * fuzzer reaches transmission with well-formed requests as easily as it sends garbage.
   */
  private static byte[] wire(FuzzedDataProvider input) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(input.consumeBytes(4));
    OptionStream options = new OptionStream(input);
    RequestStream requests = new RequestStream(input, MemoryExports.DISK.size());
    for (int n = 0; n < MAX_SEGMENTS && input.remainingBytes() > 0; n++) {
      switch (input.consumeInt(0, 2)) {
        case 0 -> wire.writeBytes(input.consumeBytes(input.consumeInt(1, 4096)));
        case 1 -> wire.writeBytes(options.bytes());
        default -> wire.writeBytes(requests.bytes(64 << 10));
      }
    }
    return wire.toByteArray();
  }

  /**
   * Runs the event loop and the volume work it queues until both are idle. Each round's work
   * was dispatched while the event loop ran, all of it in memory at once on real I/O threads.
   */
  private static void settle(EmbeddedNbdConnection c, MemoryExports exports) {
    c.runEventLoop();
    while (c.queuedIo() > 0) {
      exports.takeBytesRead();
      c.runIo();
      long read = exports.takeBytesRead();
      // Coverage cannot tell the fuzzer it is getting closer to the budget: this does.
      Jazzer.maximize(read >> 20, 0, (IN_FLIGHT + Limits.MAX_PAYLOAD) >> 20);
      check(
          read <= IN_FLIGHT + Limits.MAX_PAYLOAD,
          "one connection had reads of " + read + " bytes in flight at once, budget " + IN_FLIGHT);
      c.runEventLoop();
    }
  }
}
