package io.granary.snapshots.overlay;

import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes not yet in the tree, for one volume: dirty blocks, and runs of whole blocks zeroed.
 * A dirty block wins over a zero run, which wins over the layers below. Writers call it under
 * the volume's write lock (so its order is the intent log's); readers call it from any thread,
 * and read again when a block they found was released meanwhile.
 */
public final class Overlay {
  /** What a layer says about one block. */
  public enum Presence {
    ABSENT,
    ZERO,
    DIRTY
  }

  private final int blockSize;
  private final ConcurrentHashMap<Long, DirtyBlock> blocks = new ConcurrentHashMap<>();
  private final ZeroRuns zeroRuns = new ZeroRuns();
  private long writtenBytes;

  public Overlay(int blockSize) {
    this.blockSize = blockSize;
  }

  /** Applies a write within one block; returns whether the block became dirty just now. */
  public boolean write(long block, int inBlock, byte[] src, int srcOff, int len) {
    boolean[] created = new boolean[1];
    DirtyBlock d =
        blocks.computeIfAbsent(
            block,
            b -> {
              created[0] = true;
              return newBlock(b);
            });
    d.write(inBlock, src, srcOff, len);
    writtenBytes += len;
    return created[0];
  }

  /** Zeroes part of one block; returns whether the block became dirty just now. */
  public boolean zero(long block, int inBlock, int len) {
    boolean[] created = new boolean[1];
    DirtyBlock d =
        blocks.computeIfAbsent(
            block,
            b -> {
              created[0] = true;
              return newBlock(b);
            });
    d.zero(inBlock, len);
    return created[0];
  }

  private DirtyBlock newBlock(long b) {
    DirtyBlock d = new DirtyBlock(b, blockSize);
    synchronized (zeroRuns) {
      if (zeroRuns.contains(b)) {
        d.zero(0, blockSize); // a block inside a zeroed run starts from zeroes
      }
    }
    return d;
  }

  /** Zeroes whole blocks {@code [from, to)}; returns how many dirty blocks that dropped. */
  public int zeroBlocks(long from, long to) {
    int dropped = 0;
    if (to - from < blocks.size()) {
      for (long b = from; b < to; b++) {
        dropped += drop(b);
      }
    } else {
      for (Long b : List.copyOf(blocks.keySet())) {
        if (b >= from && b < to) {
          dropped += drop(b);
        }
      }
    }
    synchronized (zeroRuns) {
      zeroRuns.add(from, to);
    }
    return dropped;
  }

  private int drop(long block) {
    DirtyBlock d = blocks.remove(block);
    if (d == null) {
      return 0;
    }
    d.release();
    return 1;
  }

  /**
   * Gives every block's memory back, once nothing needs this overlay any more (it was flushed
   * into a committed tree, or its writes were discarded). Readers still holding it read again.
   */
  public void release() {
    // The blocks stay in the map: a reader of the old state must find them, and read again
    // when it touches one, not take them for absent and read the tree of before the flush.
    for (DirtyBlock d : blocks.values()) {
      d.release();
    }
  }

  /** What this layer holds for {@code block}. */
  public Presence presence(long block) {
    if (blocks.containsKey(block)) {
      return Presence.DIRTY;
    }
    synchronized (zeroRuns) {
      return zeroRuns.contains(block) ? Presence.ZERO : Presence.ABSENT;
    }
  }

  public DirtyBlock dirty(long block) {
    return blocks.get(block);
  }

  /** Drops everything from block {@code firstBlock} on (a shrink). */
  public int truncate(long firstBlock) {
    int dropped = 0;
    for (Long b : List.copyOf(blocks.keySet())) {
      if (b >= firstBlock) {
        dropped += drop(b);
      }
    }
    synchronized (zeroRuns) {
      zeroRuns.truncate(firstBlock);
    }
    return dropped;
  }

  public boolean isEmpty() {
    synchronized (zeroRuns) {
      return blocks.isEmpty() && zeroRuns.isEmpty();
    }
  }

  public int dirtyBlocks() {
    return blocks.size();
  }

  /** Bytes of memory the dirty blocks hold (a block size each). */
  public long memoryBytes() {
    return (long) blocks.size() * blockSize;
  }

  /** Bytes written into this overlay (duplicates included), for the volume's counters. */
  public long writtenBytes() {
    return writtenBytes;
  }

  /** The dirty blocks in block order (for a flush of a frozen overlay). */
  public NavigableMap<Long, DirtyBlock> sortedBlocks() {
    return new TreeMap<>(blocks);
  }

  /** The zeroed runs as {@code [first, end)} pairs. */
  public List<long[]> zeroRuns() {
    synchronized (zeroRuns) {
      return zeroRuns.list();
    }
  }
}
