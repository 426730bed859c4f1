package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.CodecSpec;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.cache.ChunkCache;
import io.granary.snapshots.tree.MapPage;
import io.granary.snapshots.tree.PageStore;
import java.io.IOException;

/** Map pages as lz4 chunks in the pool's store, decoded pages cached by id. */
final class StorePages implements PageStore {
  /** A decoded page: an array of 512 references plus the ids (about 48 bytes each). */
  private static final int PAGE_WEIGHT = 28 << 10;

  private final ChunkStore store;
  private final ChunkCache<MapPage> cache;

  StorePages(ChunkStore store, long cacheBytes) {
    this.store = store;
    this.cache = new ChunkCache<>(cacheBytes, p -> PAGE_WEIGHT);
  }

  @Override
  public MapPage load(ChunkId id) throws IOException {
    MapPage p = cache.get(id);
    if (p == null) {
      try {
        p = MapPage.decode(store.get(id));
      } catch (IllegalArgumentException e) {
        throw new VolumeCorruptException(
            "map page " + id.shortForm() + " is not a valid page: " + e.getMessage(), e);
      }
      cache.put(id, p);
    }
    return p;
  }

  @Override
  public ChunkId store(MapPage page) throws IOException {
    byte[] bytes = page.encode();
    ChunkId id = store.put(bytes, 0, bytes.length, CodecSpec.LZ4);
    cache.put(id, page);
    return id;
  }
}
