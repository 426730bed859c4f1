package io.granary.snapshots.api;

import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.volume.DefaultVolumeStore;
import java.io.IOException;

/** Opens the volume store of a pool. The only way other modules obtain a {@link VolumeStore}. */
public final class VolumeStores {
  private VolumeStores() {}

  /**
   * Opens the volumes kept in {@code store}'s catalog, with journals under
   * {@code config.journalDirectory()}. Volumes open lazily; their journals replay then.
   */
  public static VolumeStore open(ChunkStore store, VolumeStoreConfig config) throws IOException {
    return DefaultVolumeStore.open(store, config);
  }

  /**
   * As {@link #open(ChunkStore, VolumeStoreConfig)}, with the pool's dirty blocks counted in
   * {@code dirty} (shared with the other pools of the process) instead of a bound of its own;
   * {@code config.dirtyLimitBytes()} is then not used.
   */
  public static VolumeStore open(ChunkStore store, VolumeStoreConfig config, DirtyMemory dirty)
      throws IOException {
    return DefaultVolumeStore.open(store, config, dirty);
  }

  /**
   * As {@link #open(ChunkStore, VolumeStoreConfig, DirtyMemory)}, refusing every change: a pool
   * attached read-only. Its volumes open {@link Volume#readOnly read-only}.
   */
  public static VolumeStore openReadOnly(
      ChunkStore store, VolumeStoreConfig config, DirtyMemory dirty) throws IOException {
    return DefaultVolumeStore.open(store, config, dirty, true);
  }

  /** A bound of {@code limitBytes} for the dirty blocks of the pools opened with it. */
  public static DirtyMemory dirtyMemory(long limitBytes) {
    return DefaultVolumeStore.dirtyMemory(limitBytes);
  }
}
