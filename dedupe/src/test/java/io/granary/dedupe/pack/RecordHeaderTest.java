package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordHeaderTest {
  private static final ChunkId ID =
      ChunkId.parse("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

  private static RecordHeader sample() {
    return new RecordHeader(ID, Codec.ZSTD, 3, 65536, 20000, 0x12345678);
  }

  @Test
  void roundTrips() throws Exception {
    ByteBuffer b = sample().encode();
    assertEquals(RecordHeader.SIZE, b.remaining());
    assertEquals(sample(), RecordHeader.decode(b));
    assertEquals(RecordHeader.SIZE, b.position());
  }

  @Test
  void layoutMatchesTheFormatDocument() {
    ByteBuffer b = sample().encode();
    assertEquals(0x43484E4B, b.getInt(0));
    assertEquals(2, b.get(4));
    assertEquals(3, b.get(5));
    assertEquals(0, b.getShort(6));
    assertEquals(65536, b.getInt(8));
    assertEquals(20000, b.getInt(12));
    assertEquals((byte) 0x9f, b.get(16));
    assertEquals(0x12345678, b.getInt(48));
  }

  @Test
  void everySingleBitFlipIsRejected() {
    byte[] good = sample().encode().array();
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(
            RecordFormatException.class,
            () -> RecordHeader.decode(ByteBuffer.wrap(bad)),
            "flip of bit " + bit + " in byte " + i);
      }
    }
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] good = sample().encode().array();
    for (int len = 0; len < good.length; len++) {
      ByteBuffer cut = ByteBuffer.wrap(good, 0, len);
      assertThrows(RecordFormatException.class, () -> RecordHeader.decode(cut), "length " + len);
    }
  }

  @Test
  void unknownCodecAndFlagsAreRejectedEvenWithAValidChecksum() throws Exception {
    assertThrows(RecordFormatException.class, () -> RecordHeader.decode(reseal(4, (byte) 9)));
    assertThrows(RecordFormatException.class, () -> RecordHeader.decode(reseal(7, (byte) 1)));
  }

  @Test
  void lengthsOutOfRangeAreRejectedBeforeAllocation() {
    // raw length beyond the 64 MiB bound
    ByteBuffer b = sample().encode();
    b.putInt(8, RecordHeader.MAX_RAW_LENGTH + 1);
    assertThrows(RecordFormatException.class, () -> RecordHeader.decode(resealed(b)));
    // a payload longer than the content
    ByteBuffer c = sample().encode();
    c.putInt(12, 70000);
    assertThrows(RecordFormatException.class, () -> RecordHeader.decode(resealed(c)));
  }

  @Test
  void zeroRecordsCarryNoPayload() throws Exception {
    RecordHeader z = new RecordHeader(ID, Codec.ZERO, 0, 4096, 0, 0);
    assertEquals(z, RecordHeader.decode(z.encode()));
    assertThrows(
        IllegalArgumentException.class, () -> new RecordHeader(ID, Codec.ZERO, 0, 4096, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new RecordHeader(ID, Codec.NONE, 0, 4096, 100, 0));
  }

  private static ByteBuffer reseal(int index, byte value) {
    ByteBuffer b = sample().encode();
    b.put(index, value);
    return resealed(b);
  }

  /** Recomputes the header checksum so only the semantic checks can reject the bytes. */
  private static ByteBuffer resealed(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 52);
    b.putInt(52, (int) crc.getValue());
    return b.rewind();
  }
}
