package io.granary.snapshots.api;

import io.granary.dedupe.api.ChunkId;
import java.io.IOException;
import java.util.List;

/** A receiver's answer to "which of these chunks do you hold?" (over the network, usually). */
@FunctionalInterface
public interface ChunkOracle {
  /** For each id, in order, whether the receiver holds it, with its whole subtree for a page. */
  boolean[] have(List<ChunkId> ids) throws IOException;
}
