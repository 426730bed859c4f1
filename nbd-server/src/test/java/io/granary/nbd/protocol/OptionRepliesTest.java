package io.granary.nbd.protocol;

import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.nbd.testing.NbdWire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Option replies, byte for byte as doc/proto.md lays them out. */
class OptionRepliesTest {
  private static final String MAGIC = "0003e889045565a9";
  private static final int LIST = 3;
  private static final int INFO = 6;
  private static final int GO = 7;

  @Test
  void ack() {
    assertArrayEquals(hex(MAGIC + " 00000003 00000001 00000000"), bytes(OptionReplies.ack(LIST)));
  }

  @Test
  void serverEntryLengthIsFourPlusNamePlusDescription() {
    // xapi-project/nbd #128: a wrong length here breaks qemu-img and nbd-client -l.
    assertArrayEquals(
        hex(MAGIC + " 00000003 00000002 00000012" + " 00000006 746573742f61 766f6c756d652061"),
        bytes(OptionReplies.server("test/a", "volume a")));
    assertArrayEquals(
        hex(MAGIC + " 00000003 00000002 00000005 00000001 78"),
        bytes(OptionReplies.server("x", "")));
  }

  @Test
  void errorCarriesItsMessageCutToASaneLength() {
    assertArrayEquals(
        hex(MAGIC + " 00000007 80000006 00000002 6e6f"),
        bytes(OptionReplies.error(GO, OptionReplyType.ERR_UNKNOWN, "no")));
    byte[] longOne = bytes(OptionReplies.error(GO, OptionReplyType.ERR_INVALID, "x".repeat(5000)));
    assertEquals(20 + 1024, longOne.length);
    assertArrayEquals(hex(MAGIC + " 00000007 80000003 00000400"), Arrays.copyOf(longOne, 20));
    assertThrows(
        IllegalArgumentException.class,
        () -> OptionReplies.error(GO, OptionReplyType.ACK, "not an error"));
  }

  @Test
  void anErrorMessageIsCutBetweenCharacters() {
    // The message names the client's export; cut at byte 1024, 'é' (2 bytes) from byte 1 on
    // would be split in two.
    String message = "x" + "\u00e9".repeat(600);
    NbdWire.OptionReply r =
        NbdWire.optionReply(OptionReplies.error(GO, OptionReplyType.ERR_UNKNOWN, message));
    assertEquals(1023, r.data().length);
    assertEquals(message.substring(0, 512), new String(r.data(), StandardCharsets.UTF_8));
  }

  @Test
  void errorTypesHaveBit31() {
    assertEquals(0x80000001, OptionReplyType.ERR_UNSUP.code());
    assertEquals(0x80000002, OptionReplyType.ERR_POLICY.code());
    assertEquals(0x80000005, OptionReplyType.ERR_TLS_REQD.code());
    assertEquals(0x80000009, OptionReplyType.ERR_TOO_BIG.code());
    for (OptionReplyType t : OptionReplyType.values()) {
      assertEquals(t.name().startsWith("ERR_"), t.isError(), t.name());
      assertEquals(t, OptionReplyType.fromCode(t.code()));
    }
  }

  @Test
  void infoExportIsSizeAndFlags() {
    assertArrayEquals(
        hex(MAGIC + " 00000007 00000003 0000000c 0000 0000000040000000 0ded"),
        bytes(OptionReplies.infoExport(GO, 1L << 30, 0x0ded)));
  }

  @Test
  void infoNameAndDescription() {
    assertArrayEquals(
        hex(MAGIC + " 00000006 00000003 00000008 0001 746573742f61"),
        bytes(OptionReplies.infoName(INFO, "test/a")));
    assertArrayEquals(
        hex(MAGIC + " 00000006 00000003 00000003 0002 64"),
        bytes(OptionReplies.infoDescription(INFO, "d")));
  }

  @Test
  void infoBlockSizeIsMinimumPreferredMaximum() {
    assertArrayEquals(
        hex(MAGIC + " 00000007 00000003 0000000e 0003 00000001 00004000 02000000"),
        bytes(OptionReplies.infoBlockSize(GO, 1, 16384, 32 << 20)));
  }

  @Test
  void metaContext() {
    assertArrayEquals(
        hex(MAGIC + " 0000000a 00000004 00000013 00000001" + " 626173653a616c6c6f636174696f6e"),
        bytes(OptionReplies.metaContext(10, 1, "base:allocation")));
  }

  @Test
  void exportNameReplyHas124ZeroesUnlessTheClientAskedForNone() {
    byte[] head = hex("0000000040000000 0ded");
    byte[] full = bytes(OptionReplies.exportName(1L << 30, 0x0ded, false));
    assertEquals(134, full.length);
    assertArrayEquals(head, Arrays.copyOf(full, 10));
    assertArrayEquals(new byte[124], Arrays.copyOfRange(full, 10, 134));
    assertArrayEquals(head, bytes(OptionReplies.exportName(1L << 30, 0x0ded, true)));
  }

  @Test
  void repliesParseBackWithTheClientsParser() {
    NbdWire.OptionReply r = NbdWire.optionReply(OptionReplies.infoExport(GO, 5, 1));
    assertEquals(GO, r.option());
    assertEquals(OptionReplyType.INFO.code(), r.type());
    assertEquals(12, r.data().length);
  }
}
