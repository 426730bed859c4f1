package io.granary.dedupe.index;

import io.granary.dedupe.api.Codec;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.RecordHeader;
import java.nio.ByteBuffer;

/** Where a chunk's record lies and what it holds: the value of the {@code chunks} table. */
public record IndexEntry(
    PackLocation location, int storedLength, int rawLength, Codec codec, int level) {

  public static final int ENCODED_SIZE = 22;

  /** The entry for a record found at {@code location}. */
  public static IndexEntry of(PackLocation location, RecordHeader header) {
    return new IndexEntry(
        location, header.storedLength(), header.rawLength(), header.codec(), header.level());
  }

  /** Bytes the record occupies in its pack, header included. */
  public long recordLength() {
    return RecordHeader.SIZE + (long) storedLength;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.putInt(location.packId())
        .putLong(location.offset())
        .putInt(storedLength)
        .putInt(rawLength)
        .put((byte) codec.code())
        .put((byte) level);
    return b.array();
  }

  public static IndexEntry decode(byte[] value) {
    if (value.length != ENCODED_SIZE) {
      throw new IllegalStateException("index entry of " + value.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    PackLocation loc = new PackLocation(b.getInt(), b.getLong());
    int stored = b.getInt();
    int raw = b.getInt();
    Codec codec = Codec.fromCode(Byte.toUnsignedInt(b.get()));
    return new IndexEntry(loc, stored, raw, codec, b.get());
  }
}
