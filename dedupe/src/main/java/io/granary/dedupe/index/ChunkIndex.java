package io.granary.dedupe.index;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.ChunkId;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The persistent map from chunk id to record location, with the pack table and the store
 * counters. Every {@link #apply} is atomic and durable when it returns. Thread-safe.
 */
public interface ChunkIndex extends Closeable {

  /** The entry for {@code id}, or {@code null}. */
  IndexEntry get(ChunkId id) throws IOException;

  /**
   * The entries for {@code ids} in order ({@code null} for an absent one): a {@link #get} of
   * each, which an index may answer in one read (a flush looks up a batch of new chunks).
   */
  default IndexEntry[] getAll(List<ChunkId> ids) throws IOException {
    IndexEntry[] entries = new IndexEntry[ids.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = get(ids.get(i));
    }
    return entries;
  }

  IndexBatch.Result apply(IndexBatch batch) throws IOException;

  /** Up to {@code limit} entries with ids greater than {@code after} (all when null), ascending. */
  List<IndexedChunk> scan(ChunkId after, int limit) throws IOException;

  /** The pack table. */
  Map<Integer, PackState> packs() throws IOException;

  /** The counters as of the last applied batch. */
  StoreCounters counters();

  /** The catalog tables kept in the same key-value environment. */
  Catalog catalog();

  /** Bytes the index occupies on disk. */
  long sizeOnDisk() throws IOException;

  /** An id with its entry. */
  record IndexedChunk(ChunkId id, IndexEntry entry) {}
}
