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
}
