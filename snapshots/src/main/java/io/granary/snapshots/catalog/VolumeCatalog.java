package io.granary.snapshots.catalog;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the volume tables of a pool's catalog. Reads return rows; every change is
 * collected in a {@link Change} and applied as one atomic batch.
 */
public final class VolumeCatalog {
  static final String VOLUMES = "volumes";
  static final String SNAPSHOTS = "snapshots";
  static final String IDS = "ids";
  private static final byte[] NEXT_VOLUME = "next-volume".getBytes(StandardCharsets.US_ASCII);

  private final Catalog catalog;

  public VolumeCatalog(Catalog catalog) {
    this.catalog = catalog;
  }

  public VolumeRecord volume(String name) throws IOException {
    byte[] v = catalog.get(VOLUMES, utf8(name));
    return v == null ? null : VolumeRecord.decode(name, v);
  }

  public List<VolumeRecord> volumes() throws IOException {
    List<VolumeRecord> out = new ArrayList<>();
    for (Catalog.Entry e : catalog.list(VOLUMES)) {
      out.add(VolumeRecord.decode(new String(e.key(), StandardCharsets.UTF_8), e.value()));
    }
    return out;
  }

  public SnapshotRecord snapshot(long volumeId, String name) throws IOException {
    byte[] v = catalog.get(SNAPSHOTS, snapshotKey(volumeId, name));
    return v == null ? null : SnapshotRecord.decode(volumeId, name, v);
  }

  /** Every snapshot of every volume (the GC roots), or of one volume when {@code volumeId} ≥ 0. */
  public List<SnapshotRecord> snapshots(long volumeId) throws IOException {
    List<SnapshotRecord> out = new ArrayList<>();
    for (Catalog.Entry e : catalog.list(SNAPSHOTS)) {
      ByteBuffer k = ByteBuffer.wrap(e.key());
      long vid = k.getLong();
      if (volumeId < 0 || vid == volumeId) {
        String name = new String(e.key(), 8, e.key().length - 8, StandardCharsets.UTF_8);
        out.add(SnapshotRecord.decode(vid, name, e.value()));
      }
    }
    return out;
  }

  /** Takes the next volume id (committed at once: ids are never reused). */
  public long allocateVolumeId() throws IOException {
    synchronized (this) {
      byte[] v = catalog.get(IDS, NEXT_VOLUME);
      long id = v == null ? 1 : ByteBuffer.wrap(v).getLong();
      catalog.apply(
          new CatalogBatch().put(IDS, NEXT_VOLUME, ByteBuffer.allocate(8).putLong(id + 1).array()));
      return id;
    }
  }

  public Change change() {
    return new Change();
  }

  /** Changes to apply together. */
  public final class Change {
    private final CatalogBatch batch = new CatalogBatch();

    public Change put(VolumeRecord r) {
      batch.put(VOLUMES, utf8(r.name()), r.encode());
      return this;
    }

    public Change deleteVolume(String name) {
      batch.delete(VOLUMES, utf8(name));
      return this;
    }

    public Change put(SnapshotRecord s) {
      batch.put(SNAPSHOTS, snapshotKey(s.volumeId(), s.name()), s.encode());
      return this;
    }

    public Change deleteSnapshot(long volumeId, String name) {
      batch.delete(SNAPSHOTS, snapshotKey(volumeId, name));
      return this;
    }

    public void commit() throws IOException {
      catalog.apply(batch);
    }

    /** Makes every put to {@code store} so far durable and commits this change with them. */
    public void commitWith(ChunkStore store) throws IOException {
      store.syncWith(batch);
    }
  }

  private static byte[] snapshotKey(long volumeId, String name) {
    byte[] n = utf8(name);
    return ByteBuffer.allocate(8 + n.length).putLong(volumeId).put(n).array();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
