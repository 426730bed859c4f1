package io.granary.dedupe.api;

import java.io.IOException;

/** Walks the caller's roots (volume heads, snapshots, journals) and marks every live chunk. */
@FunctionalInterface
public interface LiveChunkWalker {
  void walk(ChunkMarker marker) throws IOException;
}
