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
  /** About how many bytes of blocks a flush hands the store at once. */
  private static final int BATCH_BYTES = 512 << 10;

  private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

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
    // Hashing and compressing the blocks is the flush's bulk: spread it over the cores, in
    // batches that the store appends together.
    int perBatch = Math.max(1, BATCH_BYTES / blockSize);
    int batches = (dirty.size() + perBatch - 1) / perBatch;
    ChunkId[] ids = new ChunkId[dirty.size()];
    ctx.inParallel(
        batches,
        b -> {
          int first = b * perBatch;
          storeBatch(s, dirty.subList(first, Math.min(dirty.size(), first + perBatch)), ids, first);
        });
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

  /**
   * Stores a batch of dirty blocks' new content and sets their chunk ids in {@code ids} from
   * {@code first} on ({@code null} for a block that is all zeroes). The contents are assembled
   * end to end in a per-thread scratch array: the store copies what it keeps, and a fresh array
   * per block was a gigabyte of garbage per gigabyte flushed (young collections, and page faults
   * on new heap). Nor are the blocks cached: a read finds them in the page cache through the
   * pack's mapping, and caching every flushed block made the collector copy them.
   */
  private void storeBatch(VolumeState s, List<DirtyBlock> batch, ChunkId[] ids, int first)
      throws IOException {
    int stride = policy.chunkLength(blockSize);
    byte[] chunks = scratch(stride * batch.size());
    int[] slot = new int[batch.size()];
    int n = 0;
    for (int i = 0; i < batch.size(); i++) {
      DirtyBlock d = batch.get(i);
      if (d.isZeroFull()) {
        continue;
      }
      int at = n * stride;
      if (d.isFull()) {
        d.copyOut(0, chunks, at, blockSize);
      } else {
        // A partial block lies outside the overlay's zero runs (a block inside one starts from
        // zeroes and is full): its base is the committed tree, read straight into place and
        // not cached (this flush replaces it).
        ChunkId base = ctx.map.lookup(s.root(), s.depth(), d.index());
        if (base == null) {
          Arrays.fill(chunks, at, at + blockSize, (byte) 0);
        } else {
          ctx.readBlock(base, blockSize, 0, chunks, at, blockSize);
        }
        d.applyTo(chunks, at);
      }
      if (!Zeroes.isZero(chunks, at, blockSize)) {
        slot[n++] = i;
      }
    }
    ChunkId[] stored = policy.putAll(ctx.store, chunks, blockSize, n);
    for (int k = 0; k < n; k++) {
      ids[first + slot[k]] = stored[k];
    }
  }

  private static byte[] scratch(int length) {
    byte[] b = SCRATCH.get();
    if (b == null || b.length < length) {
      b = new byte[length];
      SCRATCH.set(b);
    }
    return b;
  }
}
