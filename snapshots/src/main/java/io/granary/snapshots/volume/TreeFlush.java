package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Zeroes;
import io.granary.snapshots.overlay.DirtyBlock;
import io.granary.snapshots.overlay.Overlay;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Builds a new tree over a volume's committed one: step 2 of a flush ({@code docs/format.md}
 * §4.4), which turns a frozen overlay into chunks, and the tree of a resize. It puts chunks and
 * pages but commits nothing.
 */
final class TreeFlush {
  private final VolumeContext ctx;
  private final int blockSize;
  private final BlockPolicy policy;

  TreeFlush(VolumeContext ctx, int blockSize, BlockPolicy policy) {
    this.ctx = ctx;
    this.blockSize = blockSize;
    this.policy = policy;
  }

  /** Applies a frozen overlay to the committed tree: zero runs first, then dirty blocks. */
  ChunkId build(VolumeState s, Overlay frozen) throws IOException {
    long blocks = TreeShape.blocks(s.size(), blockSize);
    ChunkId root = s.root();
    for (long[] run : frozen.zeroRuns()) {
      root = ctx.map.zeroRange(root, s.depth(), run[0], Math.min(run[1], blocks));
    }
    List<DirtyBlock> dirty = new ArrayList<>(frozen.sortedBlocks().values());
    dirty.removeIf(d -> d.index() >= blocks);
    // Hashing and compressing the blocks is the flush's bulk: spread it over the cores.
    ChunkId[] ids = ctx.inParallel(dirty.size(), i -> blockChunk(s, dirty.get(i)));
    TreeMap<Long, ChunkId> changes = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      changes.put(dirty.get(i).index(), ids[i]);
    }
    return ctx.map.update(root, s.depth(), changes);
  }

  /**
   * The tree of {@code s}, which has nothing dirty, at {@code newSize} bytes and
   * {@code newDepth}: blocks past the end are dropped and the bytes of a cut last block zeroed,
   * so that a later growth reads zeroes there.
   */
  ChunkId resize(VolumeState s, long newSize, int newDepth) throws IOException {
    ChunkId root = s.root();
    if (newSize < s.size()) {
      long newBlocks = TreeShape.blocks(newSize, blockSize);
      root = ctx.map.truncate(root, s.depth(), newBlocks);
      int tail = (int) (newSize % blockSize);
      if (tail != 0) {
        root = zeroTail(root, s.depth(), newBlocks - 1, tail);
      }
    }
    return ctx.map.changeDepth(root, s.depth(), newDepth);
  }

  /** Zeroes the bytes of {@code block} from {@code keep} on. */
  private ChunkId zeroTail(ChunkId root, int depth, long block, int keep) throws IOException {
    ChunkId id = ctx.map.lookup(root, depth, block);
    if (id == null) {
      return root;
    }
    byte[] content = ctx.block(id, blockSize).clone();
    Arrays.fill(content, keep, blockSize, (byte) 0);
    TreeMap<Long, ChunkId> change = new TreeMap<>();
    change.put(block, Zeroes.isZero(content) ? null : policy.put(ctx.store, content));
    return ctx.map.update(root, depth, change);
  }

  /** The chunk of a dirty block's new content, or {@code null} when it is all zeroes. */
  private ChunkId blockChunk(VolumeState s, DirtyBlock d) throws IOException {
    if (d.isZeroFull()) {
      return null;
    }
    byte[] content;
    if (d.isFull()) {
      content = d.content();
    } else {
      // A partial block lies outside the overlay's zero runs (a block inside one starts from
      // zeroes and is full): its base is the committed tree.
      ChunkId base = ctx.map.lookup(s.root(), s.depth(), d.index());
      content = base == null ? new byte[blockSize] : ctx.block(base, blockSize).clone();
      d.applyTo(content);
    }
    if (Zeroes.isZero(content)) {
      return null;
    }
    ChunkId chunk = policy.put(ctx.store, content);
    ctx.cacheBlock(chunk, content);
    return chunk;
  }
}
