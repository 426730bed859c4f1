package io.granary.dedupe.api;

/** Receives live chunk ids during the mark phase of garbage collection. Thread-safe. */
@FunctionalInterface
public interface ChunkMarker {
  /**
   * Marks {@code id} live.
   *
   * @return {@code true} the first time an id is marked, so a tree walk can skip a subtree
   *     it has already marked
   */
  boolean mark(ChunkId id);
}
