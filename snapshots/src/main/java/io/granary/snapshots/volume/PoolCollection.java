package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkMarker;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.snapshots.api.SpaceReport;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.replication.ReceivePins;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.util.function.LongFunction;

/**
 * One garbage collection of a pool ({@code docs/format.md} §4.4): waits for the flushes in
 * progress to commit their roots, then lets the chunk store mark from every volume's committed
 * root (and an open engine's newer one) and every snapshot root while flushes go on (the store
 * protects what is put during the collection), and sweeps. Afterwards the space gate learns
 * what was freed, so a full pool takes writes again at once.
 */
final class PoolCollection {
  private final VolumeContext ctx;
  private final LongFunction<VolumeEngine> openEngine;

  /** @param openEngine the open engine of a volume id, or null */
  PoolCollection(VolumeContext ctx, LongFunction<VolumeEngine> openEngine) {
    this.ctx = ctx;
    this.openEngine = openEngine;
  }

  SpaceReport run() throws IOException {
    boolean[] released = {false};
    ctx.flushGate.writeLock().lock(); // flushes in progress commit their roots first
    try {
      GcReport r =
          ctx.store.collectGarbage(
              marker -> {
                // The collection has begun: from here on every put is protected, flushes may go on.
                ctx.flushGate.writeLock().unlock();
                released[0] = true;
                markAll(marker);
              },
              GcOptions.DEFAULT);
      return new SpaceReport(
          r.chunksBefore(),
          r.chunksMarked(),
          r.chunksSwept(),
          r.packsCompacted(),
          r.packBytesReclaimed(),
          r.elapsed());
    } finally {
      if (!released[0]) {
        ctx.flushGate.writeLock().unlock();
      }
      ctx.space.refreshIfLimited(); // what the sweep freed serves writes at once
    }
  }

  private void markAll(ChunkMarker marker) throws IOException {
    for (VolumeRecord v : ctx.catalog.volumes()) {
      markTree(v.root(), v.size(), v.blockSize(), marker);
      VolumeEngine e = openEngine.apply(v.id());
      if (e != null) {
        // An engine may have committed a newer row since the list was read: mark it too,
        // each root with the size of its own row.
        VolumeRecord current = e.record();
        markTree(current.root(), current.size(), current.blockSize(), marker);
      }
    }
    for (SnapshotRecord s : ctx.catalog.snapshots(-1)) {
      markTree(s.root(), s.size(), s.blockSize(), marker);
    }
    for (ReceivePins pins : ctx.receiving) {
      pins.markAll(ctx.map, marker);
    }
  }

  private void markTree(ChunkId root, long size, int blockSize, ChunkMarker marker)
      throws IOException {
    ctx.map.mark(root, TreeShape.depth(TreeShape.blocks(size, blockSize)), marker);
  }
}
