package io.granary.snapshots.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A journal record ({@code docs/format.md} §4.3): a write with its payload, or a zeroed range.
 * The header codec is pure; {@link #decodeHeader} validates everything before the payload is
 * read.
 */
public record JournalRecord(Type type, long seq, long offset, int length, int payloadCrc) {
  public static final int HEADER_SIZE = 36;
  public static final int MAGIC = 0x4A524543;
  public static final int MAX_LENGTH = 32 << 20;

  /** Record types; the codes are on disk. */
  public enum Type {
    WRITE(1),
    ZERO(2);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Type fromCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown journal record type " + code);
    }
  }

  public JournalRecord {
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("journal record length out of range: " + length);
    }
    if (offset < 0 || seq < 1) {
      throw new IllegalArgumentException("negative offset or sequence");
    }
  }

  /** Bytes of payload that follow the header. */
  public int payloadLength() {
    return type == Type.WRITE ? length : 0;
  }

  public ByteBuffer encodeHeader() {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
    b.putInt(MAGIC)
        .put((byte) type.code)
        .put((byte) 0)
        .putShort((short) 0)
        .putLong(seq)
        .putLong(offset)
        .putInt(length)
        .putInt(payloadCrc);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 32);
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  /** Decodes and checks a header; {@code null} when the bytes are not a valid record header. */
  public static JournalRecord decodeHeader(ByteBuffer b) {
    if (b.remaining() < HEADER_SIZE) {
      return null;
    }
    int start = b.position();
    if (b.getInt(start) != MAGIC) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().position(start).limit(start + 32));
    if ((int) crc.getValue() != b.getInt(start + 32)) {
      return null;
    }
    try {
      Type type = Type.fromCode(Byte.toUnsignedInt(b.get(start + 4)));
      if (b.get(start + 5) != 0 || b.getShort(start + 6) != 0) {
        return null;
      }
      JournalRecord r =
          new JournalRecord(
              type,
              b.getLong(start + 8),
              b.getLong(start + 16),
              b.getInt(start + 24),
              b.getInt(start + 28));
      b.position(start + HEADER_SIZE);
      return r;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public static int crc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }
}
