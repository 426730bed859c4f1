package io.granary.dedupe.index;

import java.nio.ByteBuffer;

/**
 * A row of the {@code packs} table: whether the pack is live or retired, how far its records
 * are reflected in the index, and how much of it is still referenced.
 */
public record PackState(boolean retired, long indexedUpTo, long liveRecords, long liveBytes) {
  public static final int ENCODED_SIZE = 33;

  public static PackState fresh(long indexedUpTo) {
    return new PackState(false, indexedUpTo, 0, 0);
  }

  public PackState withIndexedUpTo(long offset) {
    return new PackState(retired, Math.max(indexedUpTo, offset), liveRecords, liveBytes);
  }

  public PackState plusLive(long records, long bytes) {
    return new PackState(retired, indexedUpTo, liveRecords + records, liveBytes + bytes);
  }

  public PackState asRetired() {
    return new PackState(true, indexedUpTo, 0, 0);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.put((byte) (retired ? 2 : 1))
        .putLong(indexedUpTo)
        .putLong(liveRecords)
        .putLong(liveBytes)
        .putLong(0);
    return b.array();
  }

  public static PackState decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    int state = b.get();
    if (state != 1 && state != 2) {
      throw new IllegalStateException("unknown pack state " + state);
    }
    return new PackState(state == 2, b.getLong(), b.getLong(), b.getLong());
  }
}
