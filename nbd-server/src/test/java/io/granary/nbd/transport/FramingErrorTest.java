package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.protocol.Greeting;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.nbd.transport.EmbeddedNbdConnection.FlagsReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.OptionReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.Received;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A framing error ends the connection there: what the client sent behind it, even in the same
 * read, is never decoded, let alone served. Found by PipelineFuzzTest: behind bad client flags
 * the decoder read on, and a whole session sent after them opened the volume and wrote to it
 * on a connection the server had already closed.
 */
class FramingErrorTest {
  private static final String VOL = "test/vol";

  @TempDir Path dir;
  private TestExports exports;

  @BeforeEach
  void pool() throws Exception {
    exports = new TestExports(dir);
    exports.create("vol", 1 << 20);
  }

  @AfterEach
  void close() throws Exception {
    exports.close();
  }

  @Test
  void nothingBehindBadClientFlagsIsRead() throws Exception {
    byte[] session = session();
    byte[] bytes = ByteBuffer.allocate(4 + session.length).putInt(3 | 0x200).put(session).array();
    try (EmbeddedNbdConnection c = connection()) {
      c.receive(bytes);
      c.runIo();
      c.runEventLoop();
      assertFalse(c.isOpen());
      assertEquals(List.<Received>of(new FlagsReceived(3 | 0x200)), c.received());
      assertArrayEquals(bytes(Greeting.encode()), c.sent(), "nothing but the greeting");
    }
    assertVolumeUntouched();
  }

  @Test
  void nothingBehindABadOptionMagicIsRead() throws Exception {
    byte[] badOption = NbdWire.option(3, new byte[0]);
    badOption[7] ^= 1;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
    bytes.writeBytes(badOption);
    bytes.writeBytes(Arrays.copyOfRange(session(), 4, session().length));
    try (EmbeddedNbdConnection c = connection()) {
      c.receive(bytes.toByteArray());
      c.runIo();
      c.runEventLoop();
      assertFalse(c.isOpen());
      assertEquals(1, c.received().size(), "the client flags only: " + c.received());
      c.disconnect();
      assertEquals(1, c.received().size(), "nothing decoded when the channel closed either");
      assertFalse(c.received().stream().anyMatch(OptionReceived.class::isInstance));
    }
    assertVolumeUntouched();
  }

  /** Valid flags, GO on the volume, and a WRITE of 512 bytes of 0x5a at 0. */
  private static byte[] session() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
    b.writeBytes(NbdWire.option(7, NbdWire.exportRequest(VOL)));
    byte[] data = new byte[512];
    Arrays.fill(data, (byte) 0x5a);
    b.writeBytes(NbdWire.request(0, RawNbdClient.WRITE, 1, 0, data.length, data));
    return b.toByteArray();
  }

  private EmbeddedNbdConnection connection() {
    return new EmbeddedNbdConnection(
        exports, NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)), null);
  }

  private void assertVolumeUntouched() throws Exception {
    try (var v = exports.open(VOL)) {
      byte[] data = new byte[512];
      v.read(0, data, 0, data.length);
      assertArrayEquals(new byte[512], data, "the WRITE behind the framing error landed");
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
