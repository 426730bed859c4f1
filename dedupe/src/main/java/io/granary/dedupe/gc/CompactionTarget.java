package io.granary.dedupe.gc;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackScanner;
import java.io.IOException;

/** What compaction needs from the store: moving a record, a durability barrier, the active pack. */
public interface CompactionTarget {
  /**
   * Appends a copy of {@code record} to the active pack and points {@code id} at it, if the
   * index still places {@code id} at {@code from}. Returns whether it copied.
   */
  boolean relocate(ChunkId id, PackLocation from, PackScanner.ScannedRecord record)
      throws IOException;

  /** Makes every relocation so far durable and committed. */
  void sync() throws IOException;

  /** The pack being appended to (never compacted), or -1. */
  int activePackId();

  /** Closes read handles of a pack about to be deleted. */
  void forgetPack(int packId);
}
