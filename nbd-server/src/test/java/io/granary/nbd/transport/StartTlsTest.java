package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import io.granary.nbd.protocol.Greeting;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.TestCertificates;
import io.granary.nbd.testing.TestExports;
import io.granary.nbd.transport.EmbeddedNbdConnection.FlagsReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.OptionReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.Received;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What comes after NBD_OPT_STARTTLS belongs to TLS. Found by PipelineFuzzTest: an option sent
 * in the clear right behind STARTTLS, in the same read, was decoded and answered as if it had
 * come inside the encrypted session, so anyone on the path could inject options into it.
 */
class StartTlsTest {
  private static final int STARTTLS = 5;
  private static final int LIST = 3;

  @TempDir Path dir;
  private TestExports exports;
  private EmbeddedNbdConnection connection;

  @BeforeEach
  void connect() throws Exception {
    exports = new TestExports(dir.resolve("pool"));
    TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
    TlsSettings tls =
        new TlsSettings(
            TlsMode.REQUIRED, certs.serverCertificate(), certs.serverKey(), null, false);
    connection =
        new EmbeddedNbdConnection(
            exports,
            NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)).withTls(tls),
            EmbeddedNbdConnection.tls(tls));
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    exports.close();
  }

  @Test
  void bytesInTheClearBehindStartTlsCloseTheConnection() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
    b.writeBytes(NbdWire.option(STARTTLS, new byte[0]));
    b.writeBytes(NbdWire.option(LIST, new byte[0]));
    connection.receive(b.toByteArray());
    connection.runEventLoop();
    assertFalse(connection.isOpen());
    assertEquals(
        List.of(new FlagsReceived(3), new OptionReceived(STARTTLS, null)),
        withoutData(connection.received()));
    assertArrayEquals(bytes(Greeting.encode()), connection.sent(), "not even STARTTLS is answered");
  }

  @Test
  void theReadAfterTheAckGoesToTls() {
    byte[] start =
        ByteBuffer.allocate(20).putInt(3).put(NbdWire.option(STARTTLS, new byte[0])).array();
    connection.receive(start);
    byte[] sent = connection.sent();
    NbdWire.OptionReply ack =
        NbdWire.optionReply(ByteBuffer.wrap(sent, 18, sent.length - 18).slice());
    assertEquals(1, ack.type(), "STARTTLS acknowledged");
    assertTrue(connection.isOpen());
    // Plaintext after the ACK is no TLS record: TLS fails it, the NBD decoder never sees it.
    connection.receive(NbdWire.option(LIST, new byte[0]));
    connection.runEventLoop();
    assertFalse(connection.isOpen());
    assertEquals(2, connection.received().size(), "only flags and STARTTLS decoded");
  }

  /** Options compared by code: records holding arrays compare them by identity. */
  private static List<Object> withoutData(List<Received> received) {
    return received.stream()
        .map(r -> r instanceof OptionReceived o ? new OptionReceived(o.code(), null) : (Object) r)
        .toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
