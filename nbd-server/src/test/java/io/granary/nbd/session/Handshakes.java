package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.AccessRule;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.NbdWire.OptionReply;
import io.granary.nbd.testing.TestExports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A pool for handshake tests: {@code test/a} (1 MiB) with snapshot {@code test/a@snap},
 * {@code test/b} (2 MiB), and {@code test/secret} that a rule opens to 10.0.0.0/8 only.
 */
final class Handshakes {
  static final ClientIdentity OUTSIDER =
      new ClientIdentity(new InetSocketAddress("192.0.2.7", 40000), null);
  static final ClientIdentity INSIDER =
      new ClientIdentity(new InetSocketAddress("10.1.2.3", 40000), null);
  static final AccessPolicy RULES =
      new AccessPolicy(List.of(new AccessRule("test/secret*", List.of("10.0.0.0/8"), List.of())));
  static final int FIXED_NEWSTYLE_NO_ZEROES = 3;

  private Handshakes() {}

  static void populate(TestExports exports) throws IOException {
    exports.create("a", 1 << 20);
    exports.create("b", 2 << 20);
    exports.create("secret", 1 << 20);
    exports.volumes().snapshot("a", "snap");
  }

  static HandshakeSession session(TestExports exports, TlsMode tls, ClientIdentity client) {
    return new HandshakeSession(exports, RULES, tls, client, FIXED_NEWSTYLE_NO_ZEROES);
  }

  static HandshakeSession session(TestExports exports) {
    return session(exports, TlsMode.OFF, OUTSIDER);
  }

  static ByteBuffer data(byte[] bytes) {
    return ByteBuffer.wrap(bytes);
  }

  static List<OptionReply> replies(OptionOutcome outcome) {
    return outcome.replies().stream().map(NbdWire::optionReply).toList();
  }

  /** The outcome continues the handshake with one reply of {@code type} to {@code option}. */
  static void assertOnly(OptionReplyType type, int option, OptionOutcome outcome) {
    assertEquals(OptionOutcome.Next.CONTINUE, outcome.next());
    List<OptionReply> r = replies(outcome);
    assertEquals(1, r.size(), "one reply");
    assertEquals(option, r.get(0).option(), "the option is echoed");
    assertEquals(type, OptionReplyType.fromCode(r.get(0).type()));
  }

  /** The types of the replies, in order. */
  static List<OptionReplyType> types(OptionOutcome outcome) {
    return replies(outcome).stream().map(r -> OptionReplyType.fromCode(r.type())).toList();
  }

  /** Closes the volume a GO or EXPORT_NAME opened. */
  static void release(OptionOutcome outcome) throws IOException {
    if (outcome.transmission() != null) {
      outcome.transmission().volume().close();
    }
  }
}
