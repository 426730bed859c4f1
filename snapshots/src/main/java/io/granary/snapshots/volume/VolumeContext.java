package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.cache.LruCache;
import io.granary.snapshots.catalog.VolumeCatalog;
import io.granary.snapshots.overlay.DirtyBudget;
import io.granary.snapshots.tree.BlockMap;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What every volume of a pool shares: the chunk store, the block map algorithms over cached
 * pages, the block cache, the catalog, the dirty-memory budget, the flush workers, and the gate
 * that lets a garbage collection wait for flushes in progress.
 */
final class VolumeContext {
  final VolumeStoreConfig config;
  final ChunkStore store;
  final BlockMap map;
  final VolumeCatalog catalog;
  final DirtyBudget budget;
  final ExecutorService flushWorkers;
  /** Shared by a flush from its first put to its catalog commit; exclusive to start a GC. */
  final ReentrantReadWriteLock flushGate = new ReentrantReadWriteLock();
  private final LruCache<ChunkId, byte[]> blocks;

  VolumeContext(VolumeStoreConfig config, ChunkStore store, ExecutorService flushWorkers) {
    this.config = config;
    this.store = store;
    this.map = new BlockMap(new StorePages(store, config.pageCacheBytes()));
    this.catalog = new VolumeCatalog(store.catalog());
    this.budget = new DirtyBudget(config.dirtyLimitBytes());
    this.flushWorkers = flushWorkers;
    this.blocks = new LruCache<>(config.blockCacheBytes(), b -> b.length);
  }

  /** A stored block's bytes, shared with the cache: callers must not change them. */
  byte[] block(ChunkId id) throws IOException {
    byte[] b = blocks.get(id);
    if (b == null) {
      b = store.get(id);
      blocks.put(id, b);
    }
    return b;
  }

  /** Remembers a block just written, so reading it back costs no decompression. */
  void cacheBlock(ChunkId id, byte[] content) {
    blocks.put(id, content);
  }
}
