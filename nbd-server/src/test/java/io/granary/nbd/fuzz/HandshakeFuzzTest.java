package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;
import static io.granary.nbd.fuzz.OptionReplyCheck.ABORT;
import static io.granary.nbd.fuzz.OptionReplyCheck.EXPORT_NAME;
import static io.granary.nbd.fuzz.OptionReplyCheck.GO;
import static io.granary.nbd.fuzz.OptionReplyCheck.STARTTLS;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.HandshakeFlags;
import io.granary.nbd.protocol.ProtocolViolation;
import io.granary.nbd.session.ClientIdentity;
import io.granary.nbd.session.HandshakeSession;
import io.granary.nbd.session.OptionOutcome;
import io.granary.nbd.testing.NbdWire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The option phase under arbitrary client bytes: after the greeting, client flags and then
 * options ({@link OptionStream}: raw bytes cut as the transport cuts them, or options of every
 * kind built with hostile names, queries and counts; data announced beyond the server's limit
 * counts as skipped, however little of it the input holds) are fed to a {@link
 * HandshakeSession} over {@link MemoryExports}, in each TLS mode, for a client inside, outside
 * and without the network that may open {@code test/secret}; a STARTTLS the session accepts is
 * taken as a completed TLS handshake.
 *
 * <p>Proves: the session never throws and logs no unexpected exception; every option gets
 * well-formed replies ending in one ACK or error ({@link OptionReplyCheck}); only GO and
 * EXPORT_NAME enter transmission, with the export they described opened, only STARTTLS starts
 * TLS, only ABORT and EXPORT_NAME hang up; before TLS in REQUIRED mode nothing is listed,
 * described or opened; {@code test/secret} is never shown or opened to an outsider; the volume
 * handle of every transmission is the only one left open.
 */
class HandshakeFuzzTest {
  private static final ClientIdentity[] CLIENTS = {
    new ClientIdentity(new InetSocketAddress("192.0.2.7", 40000), null),
    new ClientIdentity(new InetSocketAddress("10.1.2.3", 40000), null),
    new ClientIdentity(UnixDomainSocketAddress.of("/run/granary/nbd.sock"), null)
  };

  /** Enough for any sequence that matters; bounds the time of one input. */
  private static final int MAX_OPTIONS = 64;

  private static ServerLog log;

  @BeforeAll
  static void watchLog() {
    log = ServerLog.watch();
  }

  @AfterAll
  static void releaseLog() {
    log.close();
  }

  @FuzzTest
  @Timeout(10)
  void handshake(FuzzedDataProvider input) throws IOException {
    TlsMode mode = input.pickValue(TlsMode.values());
    ClientIdentity client = input.pickValue(CLIENTS);
    log.reset();
    MemoryExports exports = new MemoryExports();
    new Negotiation(exports, mode, client).run(input);
    log.assertNoUnexpectedException();
    check(exports.misuses().isEmpty(), "volume misused: " + exports.misuses());
    check(exports.openHandles() == 0, exports.openHandles() + " volume handles left open");
  }

  /** One connection's option phase, seen from both ends. */
  private static final class Negotiation {
    private final MemoryExports exports;
    private final TlsMode mode;
    private final ClientIdentity client;
    private boolean tls;

    Negotiation(MemoryExports exports, TlsMode mode, ClientIdentity client) {
      this.exports = exports;
      this.mode = mode;
      this.client = client;
    }

    void run(FuzzedDataProvider input) throws IOException {
      byte[] flagBytes = input.consumeBytes(4);
      if (flagBytes.length < 4) {
        return;
      }
      int flags = ByteBuffer.wrap(flagBytes).getInt();
      try {
        HandshakeFlags.checkClientFlags(flags);
      } catch (ProtocolViolation e) {
        return;
      }
      HandshakeSession session =
          new HandshakeSession(exports, MemoryExports.RULES, mode, client, flags);
      boolean noZeroes = (flags & HandshakeFlags.C_NO_ZEROES) != 0;
      OptionStream options = new OptionStream(input);
      for (int n = 0; n < MAX_OPTIONS && input.remainingBytes() > 0; n++) {
        OptionStream.Option option = options.next();
        if (option == null) {
          return;
        }
        OptionOutcome outcome = session.handle(option.code(), option.data());
        if (!follow(option.code(), outcome, noZeroes)) {
          return;
        }
        if (outcome.next() == OptionOutcome.Next.START_TLS) {
          session.tlsEstablished(null);
          tls = true;
        }
      }
    }

    /** Checks one outcome; false once the option phase is over. */
    private boolean follow(int option, OptionOutcome outcome, boolean noZeroes) throws IOException {
      ByteBuffer replies =
          ByteBuffer.wrap(NbdWire.bytes(outcome.replies().toArray(ByteBuffer[]::new)));
      boolean tlsMissing = mode == TlsMode.REQUIRED && !tls;
      switch (outcome.next()) {
        case CLOSE -> {
          if (option == ABORT) {
            check(OptionReplyCheck.read(replies, option).acknowledged(), "ABORT not acknowledged");
          } else {
            check(option == EXPORT_NAME, "option " + option + " hung up");
          }
          check(!replies.hasRemaining(), "bytes after the last reply before hanging up");
          return false;
        }
        case START_TLS -> {
          check(
              option == STARTTLS && mode != TlsMode.OFF && !tls, "TLS started by option " + option);
          check(OptionReplyCheck.read(replies, option).acknowledged(), "STARTTLS not acknowledged");
          check(!replies.hasRemaining(), "bytes after the STARTTLS ACK");
          return true;
        }
        case TRANSMIT -> {
          check(!tlsMissing, "an export opened before TLS");
          OptionOutcome.Transmission t = outcome.transmission();
          ExportInfo described;
          if (option == GO) {
            OptionReplyCheck.Replies r = OptionReplyCheck.read(replies, option);
            check(r.acknowledged(), "GO entered transmission without its ACK");
            described = r.described();
          } else {
            check(option == EXPORT_NAME, "option " + option + " entered transmission");
            described = OptionReplyCheck.exportNameReply(replies, noZeroes);
          }
          check(!replies.hasRemaining(), "bytes after the reply that starts transmission");
          check(
              t != null
                  && t.export().equals(described)
                  && t.volume().name().equals(described.name()),
              "transmission on something else than the export described");
          checkVisible(described.name());
          check(
              exports.openHandles() == 1, exports.openHandles() + " handles open in transmission");
          t.volume().close();
          return false;
        }
        case CONTINUE -> {
          check(option != EXPORT_NAME, "EXPORT_NAME neither opened an export nor hung up");
          OptionReplyCheck.Replies r = OptionReplyCheck.read(replies, option);
          check(!replies.hasRemaining(), replies.remaining() + " bytes after the last reply");
          if (tlsMissing && option != ABORT) {
            check(r.last().isError(), "option " + option + " answered before TLS");
            check(r.all().size() == 1, "option " + option + " informed on before TLS");
          }
          r.serverNames().forEach(this::checkVisible);
          if (r.described() != null) {
            checkVisible(r.described().name());
          }
          check(exports.openHandles() == 0, "a handle left open by option " + option);
          return true;
        }
      }
      throw new AssertionError("outcome " + outcome.next());
    }

    /** Outsiders never learn of test/secret: its rule admits 10.0.0.0/8 only. */
    private void checkVisible(String export) {
      boolean insider = client.inetAddress() != null && client.inetAddress().getAddress()[0] == 10;
      check(
          insider || !export.equals(MemoryExports.SECRET.name()), "test/secret shown to " + client);
    }
  }
}
