package io.granary.nbd.protocol;

import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The 28-byte request header of the transmission phase. */
class NbdRequestTest {

  @Test
  void everyFieldIsDecoded() throws Exception {
    ByteBuffer b =
        ByteBuffer.wrap(hex("25609513 0011 0006 0102030405060708 0000000000100000 00002000 ff"));
    NbdRequest r = NbdRequest.decode(b);
    assertEquals(0x11, r.flags());
    assertEquals(6, r.type());
    assertEquals(NbdCommand.WRITE_ZEROES, r.command());
    assertEquals(0x0102030405060708L, r.cookie());
    assertEquals(1 << 20, r.offset());
    assertEquals(8192, r.length());
    assertTrue(r.has(CommandFlag.FUA));
    assertTrue(r.has(CommandFlag.FAST_ZERO));
    assertFalse(r.has(CommandFlag.NO_HOLE));
    assertFalse(r.hasPayload());
    assertEquals(1, b.remaining(), "exactly 28 bytes are consumed");
  }

  @Test
  void unsignedFieldsStayUnsigned() throws Exception {
    NbdRequest r =
        NbdRequest.decode(
            ByteBuffer.wrap(hex("25609513 ffff ffff ffffffffffffffff 8000000000000000 ffffffff")));
    assertEquals(0xffff, r.flags());
    assertEquals(0xffff, r.type());
    assertNull(r.command(), "an unknown type is kept raw, not rejected while decoding");
    assertEquals(-1L, r.cookie());
    assertEquals(Long.MIN_VALUE, r.offset(), "a u64 offset with its top bit set");
    assertEquals(0xffffffffL, r.length());
  }

  @Test
  void onlyWriteCarriesAPayload() throws Exception {
    for (NbdCommand c : NbdCommand.values()) {
      NbdRequest r = new NbdRequest(0, c.code(), 1, 0, 512);
      assertEquals(c == NbdCommand.WRITE, r.hasPayload(), c.name());
    }
    NbdRequest write =
        NbdRequest.decode(
            ByteBuffer.wrap(hex("25609513 0000 0001 0000000000000001 0000000000000000 00000200")));
    assertTrue(write.hasPayload());
  }

  @Test
  void badRequestMagicIsAProtocolViolation() {
    for (String magic : new String[] {"25609514", "67446698", "21e41c71", "00000000"}) {
      ByteBuffer b =
          ByteBuffer.wrap(hex(magic + " 0000 0000 0000000000000001 0000000000000000 00000200"));
      assertThrows(ProtocolViolation.class, () -> NbdRequest.decode(b), magic);
    }
  }

  @Test
  void commandCodesAreTheSpecs() {
    assertEquals(NbdCommand.READ, NbdCommand.fromCode(0));
    assertEquals(NbdCommand.DISC, NbdCommand.fromCode(2));
    assertEquals(NbdCommand.BLOCK_STATUS, NbdCommand.fromCode(7));
    assertEquals(NbdCommand.RESIZE, NbdCommand.fromCode(8));
    assertNull(NbdCommand.fromCode(9));
    assertNull(NbdCommand.fromCode(-1));
  }
}
