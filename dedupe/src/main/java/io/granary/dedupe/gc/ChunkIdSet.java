package io.granary.dedupe.gc;

import io.granary.dedupe.api.ChunkId;

/**
 * A set of chunk ids keyed on their first 128 bits, in flat arrays (17 bytes per slot at a
 * load between 3/8 and 3/4: 23 to 45 bytes per id), so marking tens of millions of chunks
 * fits in memory. Two ids
 * that share 128 bits of SHA-256 are treated as one: that needs about 2^64 chunks. Thread-safe.
 */
public final class ChunkIdSet {
  private long[] hi;
  private long[] lo;
  private boolean[] used;
  private int size;
  private int mask;

  public ChunkIdSet() {
    this(1 << 16);
  }

  public ChunkIdSet(int expected) {
    int cap =
        Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 4L / 3 + 1))) << 1;
    allocate(cap);
  }

  private void allocate(int capacity) {
    hi = new long[capacity];
    lo = new long[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
    size = 0;
  }

  /** Adds the id; returns {@code true} if it was not already present. */
  public synchronized boolean add(ChunkId id) {
    if (insert(id.prefix64(), id.second64())) {
      if (++size > (mask + 1) / 4 * 3) {
        grow();
      }
      return true;
    }
    return false;
  }

  public synchronized boolean contains(ChunkId id) {
    long h = id.prefix64();
    long l = id.second64();
    for (int i = slot(h); used[i]; i = (i + 1) & mask) {
      if (hi[i] == h && lo[i] == l) {
        return true;
      }
    }
    return false;
  }

  public synchronized int size() {
    return size;
  }

  private boolean insert(long h, long l) {
    int i = slot(h);
    while (used[i]) {
      if (hi[i] == h && lo[i] == l) {
        return false;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    hi[i] = h;
    lo[i] = l;
    return true;
  }

  private int slot(long h) {
    // SHA-256 bits are uniform; mixing still guards against ids from a weak test generator.
    long x = h * 0x9E3779B97F4A7C15L;
    return (int) (x >>> 33) & mask;
  }

  private void grow() {
    long[] oldHi = hi;
    long[] oldLo = lo;
    boolean[] oldUsed = used;
    int oldSize = size;
    allocate(oldHi.length << 1);
    for (int i = 0; i < oldHi.length; i++) {
      if (oldUsed[i]) {
        insert(oldHi[i], oldLo[i]);
      }
    }
    size = oldSize;
  }
}
