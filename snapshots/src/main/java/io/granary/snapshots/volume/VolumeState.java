package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.overlay.Overlay;
import java.util.List;

/**
 * What a volume is at one instant, swapped as a whole: the committed tree (its root, depth and
 * size) and the overlays over it, {@code active} taking writes and {@code flushing} (or null)
 * being turned into chunks.
 */
record VolumeState(ChunkId root, int depth, long size, Overlay active, Overlay flushing) {
  /** The overlays from the bottom up. */
  List<Overlay> layers() {
    return flushing == null ? List.of(active) : List.of(flushing, active);
  }
}
