package io.granary.snapshots.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.granary.dedupe.api.ChunkId;
import java.util.function.ToIntFunction;

/**
 * Decoded chunks kept in memory, bounded by the total weight of the values. Keys are chunk
 * ids, so entries never go stale: content-addressed data cannot change under its id.
 *
 * <p>Caffeine underneath: lookups take no lock shared with other readers (the hand-written
 * LRU this replaces made every hit a write under one pool-wide lock), and its admission policy
 * (W-TinyLFU) keeps a block read once from evicting blocks read often. Its upkeep runs on the
 * callers' threads, not on a pool of its own. Thread-safe.
 */
public final class ChunkCache<V> {
  private final Cache<ChunkId, V> cache;

  public ChunkCache(long capacityBytes, ToIntFunction<V> weigher) {
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .weigher((ChunkId k, V v) -> weigher.applyAsInt(v))
            .executor(Runnable::run)
            .build();
  }

  /** The value cached for {@code id}, or {@code null}. */
  public V get(ChunkId id) {
    return cache.getIfPresent(id);
  }

  public void put(ChunkId id, V value) {
    cache.put(id, value);
  }
}
