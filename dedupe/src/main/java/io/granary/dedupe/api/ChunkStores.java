package io.granary.dedupe.api;

import io.granary.dedupe.objectstore.ObjectStorePackMedium;
import io.granary.dedupe.pack.LocalPackMedium;
import io.granary.dedupe.store.LocalChunkStore;
import java.io.IOException;

/** Opens chunk stores. The only way other modules obtain a {@link ChunkStore}. */
public final class ChunkStores {
  /** Packs in the local directory: the spool is the medium. */
  public static final PackMedium.Factory LOCAL = LocalPackMedium::new;

  private ChunkStores() {}

  /**
   * Packs on the object store {@code config} names, filled in the local spool, under the
   * pool's lease: refused while another appliance holds it.
   */
  public static PackMedium.Factory objectStore(ObjectStoreConfig config) {
    return ObjectStorePackMedium.factory(config, ObjectStorePackMedium.Access.WRITE);
  }

  /**
   * The packs of a new pool on {@code config}'s object store: refused, with nothing written,
   * when its prefix holds a pool already (another pool's, or one to attach instead).
   */
  public static PackMedium.Factory newObjectStore(ObjectStoreConfig config) {
    return ObjectStorePackMedium.factory(config, ObjectStorePackMedium.Access.CREATE);
  }

  /**
   * The packs of a pool on {@code config}'s object store, taking the pool over from an
   * appliance that let its lease lapse without releasing it (it crashed, or lost its network):
   * an administrator's explicit decision.
   */
  public static PackMedium.Factory objectStoreTakingOver(ObjectStoreConfig config) {
    return ObjectStorePackMedium.factory(config, ObjectStorePackMedium.Access.TAKE_OVER);
  }

  /**
   * The packs of a pool on {@code config}'s object store, read only: no lease is taken, so an
   * appliance that writes the pool goes on undisturbed, and nothing is ever written to the
   * bucket (a second site's view, a recovery test). A store on it refuses every put.
   */
  public static PackMedium.Factory objectStoreReadOnly(ObjectStoreConfig config) {
    return ObjectStorePackMedium.factory(config, ObjectStorePackMedium.Access.READ_ONLY);
  }

  /**
   * Opens (creating when absent) the store in {@code config.directory()}, recovering from a
   * crash if needed: torn pack tails are cut, records not yet indexed are indexed.
   *
   * @throws StoreException of kind {@code LOCKED} when another process has it open
   */
  public static ChunkStore open(ChunkStoreConfig config) throws IOException {
    return open(config, LOCAL);
  }

  /** Opens the store as {@link #open(ChunkStoreConfig)} does, with its packs on {@code media}. */
  public static ChunkStore open(ChunkStoreConfig config, PackMedium.Factory media)
      throws IOException {
    return LocalChunkStore.open(config, media, false);
  }

  /** A store brought back from its medium, with the caller's bytes of its newest checkpoint. */
  public record Attached(ChunkStore store, byte[] extras) {}

  /**
   * Brings back, into the empty directory {@code config.directory()}, the store whose packs and
   * checkpoints are on {@code media} (a pool's bucket on a new machine): identity and catalog
   * from the newest checkpoint, the index rebuilt by reading every pack.
   */
  public static Attached attach(ChunkStoreConfig config, PackMedium.Factory media)
      throws IOException {
    return attach(config, media, ProgressListener.NONE);
  }

  /** The same, telling {@code progress} how many of the packs are indexed ({@code "packs"}). */
  public static Attached attach(
      ChunkStoreConfig config, PackMedium.Factory media, ProgressListener progress)
      throws IOException {
    return LocalChunkStore.attach(config, media, progress);
  }

  /** Opens the store after discarding its index, which is rebuilt from the packs alone. */
  public static ChunkStore openRebuildingIndex(ChunkStoreConfig config, PackMedium.Factory media)
      throws IOException {
    return LocalChunkStore.open(config, media, true);
  }
}
