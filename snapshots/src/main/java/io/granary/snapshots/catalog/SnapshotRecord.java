package io.granary.snapshots.catalog;

import io.granary.dedupe.api.ChunkId;
import java.nio.ByteBuffer;

/** A row of the {@code snapshots} table: a named, immutable root of a volume. */
public record SnapshotRecord(
    long volumeId, String name, ChunkId root, long size, int blockSize, long createdMillis) {
  private static final int VERSION = 1;

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(1 + 32 + 8 + 4 + 8);
    b.put((byte) VERSION);
    RowFields.putId(b, root);
    b.putLong(size).putInt(blockSize).putLong(createdMillis);
    return b.array();
  }

  static SnapshotRecord decode(long volumeId, String name, byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    int version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("snapshot row version " + version + " is not supported");
    }
    ChunkId root = RowFields.getId(b);
    return new SnapshotRecord(volumeId, name, root, b.getLong(), b.getInt(), b.getLong());
  }
}
