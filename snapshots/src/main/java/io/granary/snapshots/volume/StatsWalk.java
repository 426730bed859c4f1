package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.VolumeStats;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Computes a volume's space figures by walking every tree of the pool once: which block chunks
 * only this volume (head and snapshots) references, and which others reference too. On demand
 * only: it reads every map page of the pool.
 */
final class StatsWalk {
  private static final long SHARED = -1;

  private final VolumeContext ctx;
  private final Function<VolumeRecord, ChunkId> headRoot;

  StatsWalk(VolumeContext ctx, Function<VolumeRecord, ChunkId> headRoot) {
    this.ctx = ctx;
    this.headRoot = headRoot;
  }

  VolumeStats stats(VolumeRecord target, ChunkId head, long size, long bytesWritten)
      throws IOException {
    Map<ChunkId, Long> owner = new HashMap<>();
    Set<ChunkId> mine = new HashSet<>();
    List<SnapshotRecord> snapshots = ctx.catalog.snapshots(-1);
    for (VolumeRecord v : ctx.catalog.volumes()) {
      boolean isTarget = v.id() == target.id();
      ChunkId root = isTarget ? head : headRoot.apply(v);
      long vSize = isTarget ? size : v.size();
      collect(root, vSize, v.blockSize(), v.id(), owner, isTarget ? mine : null);
      for (SnapshotRecord s : snapshots) {
        if (s.volumeId() == v.id()) {
          collect(s.root(), s.size(), s.blockSize(), v.id(), owner, isTarget ? mine : null);
        }
      }
    }
    long[] allocated = {0};
    ctx.map.walk(
        head,
        depth(size, target.blockSize()),
        0,
        TreeShape.blocks(size, target.blockSize()),
        (f, c, id) -> {
          if (id != null) {
            allocated[0]++;
          }
        });
    long unique = 0;
    long shared = 0;
    for (ChunkId id : mine) {
      if (owner.get(id) == SHARED) {
        shared++;
      } else {
        unique++;
      }
    }
    long bs = target.blockSize();
    return new VolumeStats(
        target.name(), size, bytesWritten, allocated[0] * bs, unique * bs, shared * bs);
  }

  private void collect(
      ChunkId root,
      long size,
      int blockSize,
      long volumeId,
      Map<ChunkId, Long> owner,
      Set<ChunkId> mine)
      throws IOException {
    ctx.map.walk(
        root,
        depth(size, blockSize),
        0,
        TreeShape.blocks(size, blockSize),
        (f, c, id) -> {
          if (id != null) {
            owner.merge(id, volumeId, (a, b) -> a.equals(b) ? a : SHARED);
            if (mine != null) {
              mine.add(id);
            }
          }
        });
  }

  private static int depth(long size, int blockSize) {
    return TreeShape.depth(TreeShape.blocks(size, blockSize));
  }
}
