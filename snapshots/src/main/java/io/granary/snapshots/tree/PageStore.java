package io.granary.snapshots.tree;

import io.granary.dedupe.api.ChunkId;
import java.io.IOException;

/** Where map pages live: loaded by id (usually through a cache), stored as chunks. */
public interface PageStore {
  MapPage load(ChunkId id) throws IOException;

  ChunkId store(MapPage page) throws IOException;
}
