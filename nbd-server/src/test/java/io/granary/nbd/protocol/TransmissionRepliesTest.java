package io.granary.nbd.protocol;

import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Simple replies and structured reply chunks, byte for byte. */
class TransmissionRepliesTest {
  private static final long COOKIE = 0x0102030405060708L;
  private static final String C = " 0102030405060708 ";

  @Test
  void simpleReplies() {
    assertArrayEquals(
        hex("67446698 00000000" + C), bytes(TransmissionReplies.simple(COOKIE, null)));
    assertArrayEquals(
        hex("67446698 00000016" + C), bytes(TransmissionReplies.simple(COOKIE, NbdError.EINVAL)));
    assertArrayEquals(
        hex("67446698 0000001c ffffffffffffffff"),
        bytes(TransmissionReplies.simple(-1, NbdError.ENOSPC)));
  }

  @Test
  void errorValuesAreLinuxErrnos() {
    int[] expected = {1, 5, 12, 22, 28, 75, 95, 108};
    NbdError[] errors = NbdError.values();
    assertEquals(expected.length, errors.length);
    for (int i = 0; i < errors.length; i++) {
      assertEquals(expected[i], errors[i].code(), errors[i].name());
    }
  }

  @Test
  void offsetDataHeaderCountsTheDataThatFollows() {
    assertArrayEquals(
        hex("668e33ef 0001 0001" + C + "0000000d 0000000000010000"),
        bytes(TransmissionReplies.offsetData(COOKIE, true, 0x10000, 5)));
    assertArrayEquals(
        hex("668e33ef 0000 0001" + C + "00010008 0000000000000000"),
        bytes(TransmissionReplies.offsetData(COOKIE, false, 0, 65536)));
  }

  @Test
  void anOffsetDataHeaderIsOnlyAHeaderWhateverTheDataLength() {
    // The data is sent after it from the caller's buffer: a header as long as the data was
    // a second 1 MiB allocation per 1 MiB READ (async-profiler: its zeroing and page faults).
    assertEquals(
        TransmissionReplies.CHUNK_HEADER + 8,
        TransmissionReplies.offsetData(COOKIE, true, 0, 32 << 20).capacity());
  }

  @Test
  void offsetHole() {
    assertArrayEquals(
        hex("668e33ef 0000 0002" + C + "0000000c 0000000000020000 00001000"),
        bytes(TransmissionReplies.offsetHole(COOKIE, false, 0x20000, 4096)));
  }

  @Test
  void blockStatusIsContextIdThenExtents() {
    assertArrayEquals(
        hex(
            "668e33ef 0001 0005"
                + C
                + "00000014 00000001"
                + " 00001000 00000000 00002000 00000003"),
        bytes(
            TransmissionReplies.blockStatus(
                COOKIE, true, 1, List.of(new StatusExtent(4096, 0), new StatusExtent(8192, 3)))));
    assertThrows(IllegalArgumentException.class, () -> new StatusExtent(0, 0));
  }

  @Test
  void errorChunkIsFinalWithErrnoAndMessage() {
    assertArrayEquals(
        hex("668e33ef 0001 8001" + C + "00000009 00000005 0003 626164"),
        bytes(TransmissionReplies.error(COOKIE, NbdError.EIO, "bad")));
    byte[] cut = bytes(TransmissionReplies.error(COOKIE, NbdError.EINVAL, "y".repeat(3000)));
    assertEquals(20 + 6 + 1024, cut.length);
    assertArrayEquals(
        hex("668e33ef 0001 8001" + C + "00000406 00000016 0400"), Arrays.copyOf(cut, 26));
  }

  @Test
  void anErrorMessageIsCutBetweenCharacters() {
    // '€' is 3 bytes: 341 of them fill 1023 bytes, and the 342nd would cross byte 1024.
    byte[] cut = bytes(TransmissionReplies.error(COOKIE, NbdError.EIO, "\u20ac".repeat(400)));
    assertEquals(20 + 6 + 1023, cut.length);
    assertEquals(
        "\u20ac".repeat(341), new String(cut, 26, cut.length - 26, StandardCharsets.UTF_8));
  }

  @Test
  void noneChunkEndsAReply() {
    assertArrayEquals(
        hex("668e33ef 0001 0000" + C + "00000000"), bytes(TransmissionReplies.done(COOKIE)));
  }

  @Test
  void transmissionFlagsAreTheirBits() {
    assertEquals(0, TransmissionFlag.encode(EnumSet.noneOf(TransmissionFlag.class)));
    assertEquals(0x0fff, TransmissionFlag.encode(EnumSet.allOf(TransmissionFlag.class)));
    assertEquals(
        0x0803,
        TransmissionFlag.encode(
            EnumSet.of(
                TransmissionFlag.HAS_FLAGS,
                TransmissionFlag.READ_ONLY,
                TransmissionFlag.SEND_FAST_ZERO)));
    assertEquals(0x8001, ChunkType.ERROR.code());
    assertEquals(0x8002, ChunkType.ERROR_OFFSET.code());
  }
}
