package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.overlay.DirtyBlock;
import io.granary.snapshots.overlay.Overlay;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The read side of a volume over one {@link VolumeState}: the newest layer holding a block
 * wins (active overlay, then the one being flushed, then the tree). Stateless; thread-safe.
 */
final class VolumeReads {
  private final VolumeContext ctx;
  private final int blockSize;

  VolumeReads(VolumeContext ctx, int blockSize) {
    this.ctx = ctx;
    this.blockSize = blockSize;
  }

  /**
   * Copies one block's part of a read into {@code dst}, taking the fast paths first. A block
   * of the tree is cached only when a sequential reader reads part of it (the next read wants
   * the rest); a whole block, or part of one read at random, is copied from its record.
   */
  void readSpan(VolumeState s, BlockSpan span, byte[] dst, int off, boolean sequential)
      throws IOException {
    int at = off + (int) span.bufferOffset();
    DirtyBlock d = s.active().dirty(span.block());
    if (d != null && d.isFull()) {
      d.copyOut(span.offsetInBlock(), dst, at, span.length());
      return;
    }
    if (d == null && s.active().presence(span.block()) == Overlay.Presence.ZERO) {
      Arrays.fill(dst, at, at + span.length(), (byte) 0);
      return;
    }
    if (d == null
        && (s.flushing() == null
            || s.flushing().presence(span.block()) == Overlay.Presence.ABSENT)) {
      ChunkId id = ctx.map.lookup(s.root(), s.depth(), span.block());
      if (id == null) {
        Arrays.fill(dst, at, at + span.length(), (byte) 0);
      } else if (sequential && span.length() < blockSize) {
        System.arraycopy(ctx.block(id, blockSize), span.offsetInBlock(), dst, at, span.length());
      } else {
        ctx.readBlock(id, blockSize, span.offsetInBlock(), dst, at, span.length());
      }
      return;
    }
    byte[] content = content(s, span.block());
    System.arraycopy(content, span.offsetInBlock(), dst, at, span.length());
  }

  /** A block's current bytes, a private copy: the tree, then flushing, then active. */
  private byte[] content(VolumeState s, long block) throws IOException {
    ChunkId id = ctx.map.lookup(s.root(), s.depth(), block);
    byte[] c = id == null ? new byte[blockSize] : ctx.block(id, blockSize).clone();
    for (Overlay layer : s.layers()) {
      switch (layer.presence(block)) {
        case ZERO -> Arrays.fill(c, (byte) 0);
        case DIRTY -> {
          DirtyBlock d = layer.dirty(block);
          if (d != null) {
            d.applyTo(c);
          }
        }
        default -> {}
      }
    }
    return c;
  }

  /** Which parts of a range hold data: the tree's runs, then each overlay's changes. */
  List<Extent> blockStatus(VolumeState s, long offset, long length) throws IOException {
    long first = offset / blockSize;
    long end = TreeShape.blocks(offset + length, blockSize);
    AllocationMap alloc = new AllocationMap();
    ctx.map.walk(
        s.root(), s.depth(), first, end, (f, c, chunk) -> alloc.put(f, f + c, chunk != null));
    for (Overlay layer : s.layers()) {
      for (long[] run : layer.zeroRuns()) {
        alloc.put(Math.max(run[0], first), Math.min(run[1], end), false);
      }
      for (Map.Entry<Long, DirtyBlock> e : layer.sortedBlocks().subMap(first, end).entrySet()) {
        alloc.put(e.getKey(), e.getKey() + 1, !e.getValue().isZeroFull());
      }
    }
    return alloc.extents(blockSize, offset, offset + length);
  }
}
