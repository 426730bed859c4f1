package io.granary.dedupe.pack;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The 56-byte header in front of every chunk record ({@code docs/format.md} §1.3). Pure codec:
 * bytes in, a validated header or a {@link RecordFormatException} out.
 */
public record RecordHeader(
    ChunkId id, Codec codec, int level, int rawLength, int storedLength, int payloadCrc) {

  public static final int SIZE = 56;
  public static final int MAGIC = 0x43484E4B;

  /** Larger raw lengths are rejected before anything is allocated for them. */
  public static final int MAX_RAW_LENGTH = 64 << 20;

  public RecordHeader {
    if (rawLength <= 0 || rawLength > MAX_RAW_LENGTH) {
      throw new IllegalArgumentException("raw length out of range: " + rawLength);
    }
    if (storedLength < 0 || storedLength > rawLength) {
      throw new IllegalArgumentException("stored length out of range: " + storedLength);
    }
    if ((codec == Codec.ZERO) != (storedLength == 0)) {
      throw new IllegalArgumentException("only zero records have an empty payload");
    }
    if (codec == Codec.NONE && storedLength != rawLength) {
      throw new IllegalArgumentException("a raw record stores its whole content");
    }
  }

  /** Bytes this record occupies in its pack, header included. */
  public long recordLength() {
    return SIZE + (long) storedLength;
  }

  /** Writes the header at the buffer's position and advances it. */
  public void encode(ByteBuffer dst) {
    int start = dst.position();
    dst.putInt(MAGIC)
        .put((byte) codec.code())
        .put((byte) level)
        .putShort((short) 0)
        .putInt(rawLength)
        .putInt(storedLength);
    id.write(dst);
    dst.putInt(payloadCrc);
    dst.putInt(crcOfHeader(dst, start));
  }

  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    encode(b);
    return b.flip();
  }

  /** Decodes and validates the 56 bytes at the buffer's position, advancing it. */
  public static RecordHeader decode(ByteBuffer src) throws RecordFormatException {
    if (src.remaining() < SIZE) {
      throw new RecordFormatException("record header is truncated");
    }
    int start = src.position();
    if (src.getInt(start) != MAGIC) {
      throw new RecordFormatException("bad record magic");
    }
    if (crcOfHeader(src, start) != src.getInt(start + 52)) {
      throw new RecordFormatException("record header checksum mismatch");
    }
    src.getInt();
    int codecCode = Byte.toUnsignedInt(src.get());
    int level = src.get();
    int flags = Short.toUnsignedInt(src.getShort());
    int raw = src.getInt();
    int stored = src.getInt();
    ChunkId id = ChunkId.read(src);
    int payloadCrc = src.getInt();
    src.getInt();
    if (flags != 0) {
      throw new RecordFormatException("unknown record flags " + flags);
    }
    Codec codec;
    try {
      codec = Codec.fromCode(codecCode);
      return new RecordHeader(id, codec, level, raw, stored, payloadCrc);
    } catch (IllegalArgumentException e) {
      throw new RecordFormatException("invalid record header: " + e.getMessage());
    }
  }

  /** CRC32C of the 52 header bytes that precede the header checksum, starting at {@code start}. */
  private static int crcOfHeader(ByteBuffer b, int start) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().position(start).limit(start + 52));
    return (int) crc.getValue();
  }

  /** CRC32C of a payload. */
  public static int payloadCrc(byte[] payload, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(payload, off, len);
    return (int) crc.getValue();
  }
}
