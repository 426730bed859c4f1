package io.granary.nbd;

import static io.granary.nbd.testing.RawNbdClient.EINVAL;
import static io.granary.nbd.testing.RawNbdClient.ENOSPC;
import static io.granary.nbd.testing.RawNbdClient.EPERM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a broken or hostile client gets from a real server: a framing error closes only its own
 * connection, a semantic error is an error reply and the connection goes on.
 */
class BadInputTest {
  private static final int SIZE = 4 << 20;
  private static final String VOL = "test/vol";
  private static final String SNAP = "test/vol@snap";
  private static final byte[] BLOCK = TestData.random(7, 4096);

  @TempDir Path dir;
  private TestExports exports;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    exports = new TestExports(dir);
    exports.create("vol", SIZE);
    exports.volumes().snapshot("vol", "snap");
    NbdServer server = exports.serve();
    port = TestExports.port(server);
  }

  @AfterEach
  void stop() throws Exception {
    exports.close();
  }

  @Test
  void badOptionMagicClosesThatConnectionOnly() throws Exception {
    try (RawNbdClient other = RawNbdClient.open(port, VOL, false);
        RawNbdClient bad = RawNbdClient.connect(port)) {
      bad.send(ByteBuffer.allocate(4).putInt(3).array());
      bad.send(NbdWire.hex("49484156454f5055 00000003 00000000"));
      assertTrue(bad.closedByServer());
      assertEquals(0, other.write(1, 0, BLOCK));
      assertArrayEquals(BLOCK, other.read(2, 0, BLOCK.length));
    }
    assertStillServing();
  }

  @Test
  void badRequestMagicCloses() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      byte[] request = NbdWire.request(0, RawNbdClient.READ, 1, 0, 512, null);
      request[3] ^= 1;
      c.send(request);
      assertTrue(c.closedByServer());
    }
    assertStillServing();
  }

  @Test
  void clientFlagsWithAnUnknownBitOrWithoutFixedNewstyleClose() throws Exception {
    for (int flags : new int[] {1 | 4, 3 | 0x80000000, 0}) {
      try (RawNbdClient c = RawNbdClient.connect(port)) {
        c.send(ByteBuffer.allocate(4).putInt(flags).array());
        assertTrue(c.closedByServer(), Integer.toHexString(flags));
      }
    }
    assertStillServing();
  }

  @Test
  void unknownOptionsAndOversizedOptionDataAreRefusedAndTheHandshakeGoesOn() throws Exception {
    try (RawNbdClient c = RawNbdClient.connect(port)) {
      c.send(ByteBuffer.allocate(4).putInt(3).array());
      c.send(NbdWire.option(11, new byte[0])); // EXTENDED_HEADERS, as QEMU 8.2+ sends
      assertEquals(0x80000001, c.readOptionReply().type());
      c.send(NbdWire.option(6, new byte[100_000])); // INFO, beyond the 64 KiB the server buffers
      NbdWire.OptionReply tooBig = c.readOptionReply();
      assertEquals(6, tooBig.option());
      assertEquals(0x80000009, tooBig.type());
      c.send(NbdWire.option(7, NbdWire.exportRequest(VOL)));
      int type;
      do {
        type = c.readOptionReply().type();
      } while (type == 3);
      assertEquals(1, type, "GO is acknowledged");
      assertEquals(0, c.write(1, 0, BLOCK));
    }
  }

  @Test
  void unknownCommandsAreEinvalAndTheConnectionGoesOn() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      for (int type : new int[] {9, 8, 0xffff}) {
        c.request(0, type, 77, 0, 4096, null);
        assertEquals(new RawNbdClient.SimpleReply(EINVAL, 77), c.readSimple());
      }
      assertEquals(0, c.write(1, 0, BLOCK));
      assertArrayEquals(BLOCK, c.read(2, 0, BLOCK.length));
    }
  }

  @Test
  void anOversizedWriteIsDrainedAndRefused() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      byte[] huge = new byte[33 << 20];
      Arrays.fill(huge, (byte) 0x5a);
      assertEquals(EINVAL, c.write(1, 0, huge));
      assertEquals(0, c.write(2, 4096, BLOCK));
      assertArrayEquals(BLOCK, c.read(3, 4096, BLOCK.length));
      assertArrayEquals(new byte[4096], c.read(4, 0, 4096), "nothing of the refused write landed");
    }
  }

  @Test
  void pastTheEndReadsAreEinvalAndWritesEnospc() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      c.request(0, RawNbdClient.READ, 1, SIZE - 100, 4096, null);
      assertEquals(new RawNbdClient.SimpleReply(EINVAL, 1), c.readSimple());
      assertEquals(ENOSPC, c.write(2, SIZE - 100, BLOCK));
      assertEquals(ENOSPC, c.write(3, Long.MIN_VALUE, BLOCK));
      assertEquals(0, c.write(4, SIZE - BLOCK.length, BLOCK));
      assertArrayEquals(BLOCK, c.read(5, SIZE - BLOCK.length, BLOCK.length));
    }
  }

  @Test
  void writesToASnapshotAreEperm() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, SNAP, false)) {
      assertEquals(0x0002, c.transmissionFlags() & 0x0002, "READ_ONLY");
      assertEquals(EPERM, c.write(1, 0, BLOCK));
      c.request(0, RawNbdClient.TRIM, 2, 0, 4096, null);
      assertEquals(EPERM, c.checkedSimple(2).error());
      assertArrayEquals(new byte[4096], c.read(3, 0, 4096));
    }
  }

  @Test
  void fastZeroOnAReadOnlyExportIsEinval() throws Exception {
    // nbdkit 1.32.5 aborted the whole server on this request.
    try (RawNbdClient c = RawNbdClient.open(port, SNAP, true)) {
      assertEquals(0, c.transmissionFlags() & (1 << 11), "FAST_ZERO is not advertised");
      c.request(RawNbdClient.FLAG_FAST_ZERO, RawNbdClient.WRITE_ZEROES, 1, 0, 4096, null);
      assertEquals(EINVAL, c.checkedSimple(1).error());
      c.request(0, RawNbdClient.FLUSH, 2, 0, 0, null);
      assertEquals(0, c.checkedSimple(2).error());
    }
    assertStillServing();
  }

  /** A fresh client can still open the volume, write and read. */
  private void assertStillServing() throws Exception {
    try (RawNbdClient c = RawNbdClient.open(port, VOL, false)) {
      assertEquals(SIZE, c.size());
      byte[] data = TestData.random(99, 512);
      assertEquals(0, c.write(10, 8192, data));
      assertArrayEquals(data, c.read(11, 8192, data.length));
    }
  }
}
