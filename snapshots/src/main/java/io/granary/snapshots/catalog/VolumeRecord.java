package io.granary.snapshots.catalog;

import io.granary.dedupe.api.ChunkId;
import java.nio.ByteBuffer;

/**
 * A row of the {@code volumes} table ({@code docs/format.md} §4.1): a volume's identity, its
 * committed state (root, size, the journal sequence the root covers) and its settings.
 * {@code root} is {@code null} for an all-hole volume; {@code origin} is empty unless a clone;
 * {@code dedupe} false means its blocks are stored as chunks of its own (§4.2).
 */
public record VolumeRecord(
    String name,
    long id,
    long size,
    int blockSize,
    ChunkId root,
    long coveredSeq,
    long bytesWritten,
    long createdMillis,
    long modifiedMillis,
    String codec,
    String profile,
    String origin,
    boolean dedupe,
    String replicaOf) {

  /**
   * Version 3 added {@code replicaOf}, version 2 {@code dedupe}; version 1 rows read as dedupe
   * on, versions 1 and 2 as no replica.
   */
  private static final int VERSION = 3;

  private static final int VERSION_1 = 1;
  private static final int VERSION_2 = 2;

  /** Whether the volume is a replica: read-only, changed only by receiving. */
  public boolean isReplica() {
    return !replicaOf.isEmpty();
  }

  /** The same row as a replica of {@code source}, or ({@code ""}) a volume of its own. */
  public VolumeRecord withReplicaOf(String source) {
    return new VolumeRecord(
        name,
        id,
        size,
        blockSize,
        root,
        coveredSeq,
        bytesWritten,
        createdMillis,
        modifiedMillis,
        codec,
        profile,
        origin,
        dedupe,
        source);
  }

  public VolumeRecord withState(
      ChunkId newRoot, long newSize, long newCoveredSeq, long newBytesWritten, long now) {
    return new VolumeRecord(
        name,
        id,
        newSize,
        blockSize,
        newRoot,
        newCoveredSeq,
        newBytesWritten,
        createdMillis,
        now,
        codec,
        profile,
        origin,
        dedupe,
        replicaOf);
  }

  public VolumeRecord withName(String newName) {
    return new VolumeRecord(
        newName,
        id,
        size,
        blockSize,
        root,
        coveredSeq,
        bytesWritten,
        createdMillis,
        modifiedMillis,
        codec,
        profile,
        origin,
        dedupe,
        replicaOf);
  }

  public VolumeRecord withServices(String newCodec, boolean newDedupe, String newProfile) {
    return new VolumeRecord(
        name,
        id,
        size,
        blockSize,
        root,
        coveredSeq,
        bytesWritten,
        createdMillis,
        modifiedMillis,
        newCodec,
        newProfile,
        origin,
        newDedupe,
        replicaOf);
  }

  byte[] encode() {
    ByteBuffer b =
        ByteBuffer.allocate(
            1
                + 8
                + 8
                + 4
                + 32
                + 8
                + 8
                + 8
                + 8
                + RowFields.stringSize(codec)
                + RowFields.stringSize(profile)
                + RowFields.stringSize(origin)
                + 1
                + RowFields.stringSize(replicaOf));
    b.put((byte) VERSION).putLong(id).putLong(size).putInt(blockSize);
    RowFields.putId(b, root);
    b.putLong(coveredSeq).putLong(bytesWritten).putLong(createdMillis).putLong(modifiedMillis);
    RowFields.putString(b, codec);
    RowFields.putString(b, profile);
    RowFields.putString(b, origin);
    b.put((byte) (dedupe ? 1 : 0));
    RowFields.putString(b, replicaOf);
    return b.array();
  }

  static VolumeRecord decode(String name, byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    int version = b.get();
    if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
      throw new IllegalStateException("volume row version " + version + " is not supported");
    }
    long id = b.getLong();
    long size = b.getLong();
    int blockSize = b.getInt();
    ChunkId root = RowFields.getId(b);
    long coveredSeq = b.getLong();
    long bytesWritten = b.getLong();
    long created = b.getLong();
    long modified = b.getLong();
    String codec = RowFields.getString(b);
    String profile = RowFields.getString(b);
    String origin = RowFields.getString(b);
    boolean dedupe = version == VERSION_1 || RowFields.getFlag(b, "dedupe");
    String replicaOf = version == VERSION ? RowFields.getString(b) : "";
    return new VolumeRecord(
        name,
        id,
        size,
        blockSize,
        root,
        coveredSeq,
        bytesWritten,
        created,
        modified,
        codec,
        profile,
        origin,
        dedupe,
        replicaOf);
  }
}
