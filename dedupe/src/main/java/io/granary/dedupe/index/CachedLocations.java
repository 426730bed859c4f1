package io.granary.dedupe.index;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.ChunkId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An index whose lookups of recently read chunks need no LMDB read transaction: a bounded
 * cache of id → location in front of another index. A random 4 KiB read spent about a quarter
 * of its time opening and closing the read transaction of its lookup.
 *
 * <p>Entries change only through {@link #apply} ({@code Put} moves or adds a chunk,
 * {@code DeleteIf} removes one); an apply drops the ids it names from the cache once it has
 * committed. A lookup racing with an apply must not put the old location back afterwards: a
 * lookup caches nothing while any apply runs (fewer applies finished than started), and drops
 * what it cached if an apply started while it read. Absent ids are not cached.
 *
 * <p>Thread-safe. Not done here: anything but {@link #get} and {@link #getAll}; every other
 * call goes through.
 */
public final class CachedLocations implements ChunkIndex {
  private final ChunkIndex inner;
  private final Cache<ChunkId, IndexEntry> cache;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();

  public CachedLocations(ChunkIndex inner, long maxEntries) {
    this.inner = inner;
    // Upkeep on the callers' threads: no pool of Caffeine's own in the daemon.
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
  }

  @Override
  public IndexEntry get(ChunkId id) throws IOException {
    IndexEntry e = cache.getIfPresent(id);
    return e != null ? e : readThrough(List.of(id))[0];
  }

  @Override
  public IndexEntry[] getAll(List<ChunkId> ids) throws IOException {
    IndexEntry[] entries = new IndexEntry[ids.size()];
    List<ChunkId> missed = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      entries[i] = cache.getIfPresent(ids.get(i));
      if (entries[i] == null) {
        missed.add(ids.get(i));
        at.add(i);
      }
    }
    if (!missed.isEmpty()) {
      IndexEntry[] read = readThrough(missed);
      for (int k = 0; k < read.length; k++) {
        entries[at.get(k)] = read[k];
      }
    }
    return entries;
  }

  /**
   * Reads {@code ids} from the inner index and caches what it found, unless an apply ran
   * meanwhile: nothing is cached while one runs, and what was cached is dropped if one began
   * during the read (what was read may be old).
   */
  private IndexEntry[] readThrough(List<ChunkId> ids) throws IOException {
    long before = started.get();
    boolean quiet = finished.get() == before;
    IndexEntry[] read = inner.getAll(ids);
    if (quiet) {
      List<ChunkId> cached = new ArrayList<>();
      for (int k = 0; k < read.length; k++) {
        if (read[k] != null) {
          cache.put(ids.get(k), read[k]);
          cached.add(ids.get(k));
        }
      }
      if (!cached.isEmpty() && started.get() != before) {
        cache.invalidateAll(cached);
      }
    }
    return read;
  }

  @Override
  public IndexBatch.Result apply(IndexBatch batch) throws IOException {
    started.incrementAndGet();
    try {
      return inner.apply(batch);
    } finally {
      for (IndexBatch.Op op : batch.ops) {
        if (op instanceof IndexBatch.Put p) {
          cache.invalidate(p.id());
        } else if (op instanceof IndexBatch.DeleteIf d) {
          cache.invalidate(d.id());
        }
      }
      finished.incrementAndGet();
    }
  }

  @Override
  public List<IndexedChunk> scan(ChunkId after, int limit) throws IOException {
    return inner.scan(after, limit);
  }

  @Override
  public Map<Integer, PackState> packs() throws IOException {
    return inner.packs();
  }

  @Override
  public StoreCounters counters() {
    return inner.counters();
  }

  @Override
  public Catalog catalog() {
    return inner.catalog();
  }

  @Override
  public long sizeOnDisk() throws IOException {
    return inner.sizeOnDisk();
  }

  @Override
  public void close() throws IOException {
    cache.invalidateAll();
    inner.close();
  }
}
