package io.granary.dedupe.pack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The 32-byte header that opens every pack file ({@code docs/format.md} §1.2). Pure codec. */
public record PackHeader(int packId, long storeId) {
  public static final int SIZE = 32;
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "GRNYPACK".getBytes(StandardCharsets.US_ASCII);

  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC)
        .putShort((short) FORMAT_VERSION)
        .putShort((short) 0)
        .putInt(packId)
        .putLong(storeId)
        .putInt(0);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 28);
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  /** Decodes the 32 bytes at the buffer's position. */
  public static PackHeader decode(ByteBuffer src) throws RecordFormatException {
    if (src.remaining() < SIZE) {
      throw new RecordFormatException("pack header is truncated");
    }
    byte[] raw = new byte[SIZE];
    src.get(raw);
    ByteBuffer b = ByteBuffer.wrap(raw);
    byte[] magic = new byte[8];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new RecordFormatException("not a pack file (bad magic)");
    }
    CRC32C crc = new CRC32C();
    crc.update(raw, 0, 28);
    if ((int) crc.getValue() != b.getInt(28)) {
      throw new RecordFormatException("pack header checksum mismatch");
    }
    int version = Short.toUnsignedInt(b.getShort());
    if (version != FORMAT_VERSION) {
      throw new RecordFormatException("pack format version " + version + " is not supported");
    }
    b.getShort();
    int packId = b.getInt();
    long storeId = b.getLong();
    return new PackHeader(packId, storeId);
  }
}
