package io.granary.dedupe.api;

import io.granary.dedupe.store.LocalChunkStore;
import java.io.IOException;
import java.util.function.UnaryOperator;

/** Opens chunk stores. The only way other modules obtain a {@link ChunkStore}. */
public final class ChunkStores {
  private ChunkStores() {}

  /**
   * Opens (creating when absent) the store in {@code config.directory()}, recovering from a
   * crash if needed: torn pack tails are cut, records not yet indexed are indexed.
   *
   * @throws StoreException of kind {@code LOCKED} when another process has it open
   */
  public static ChunkStore open(ChunkStoreConfig config) throws IOException {
    return LocalChunkStore.open(config);
  }

  /** Opens the store after discarding its index, which is rebuilt from the packs alone. */
  public static ChunkStore openRebuildingIndex(ChunkStoreConfig config) throws IOException {
    return LocalChunkStore.open(config, UnaryOperator.identity(), true);
  }
}
