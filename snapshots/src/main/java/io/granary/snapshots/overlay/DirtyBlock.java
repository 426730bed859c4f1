package io.granary.snapshots.overlay;

import java.util.Arrays;

/**
 * The newest bytes of one block that the tree does not have yet: a block buffer and the ranges
 * of it that writes defined. A block zeroed whole holds no buffer until the next partial write.
 * Thread-safe (its own monitor).
 */
public final class DirtyBlock {
  private final long index;
  private final int blockSize;
  private byte[] data;
  private final ByteRanges defined = new ByteRanges();

  DirtyBlock(long index, int blockSize) {
    this.index = index;
    this.blockSize = blockSize;
  }

  public long index() {
    return index;
  }

  synchronized void write(int off, byte[] src, int srcOff, int len) {
    if (data == null) {
      data = new byte[blockSize];
    }
    System.arraycopy(src, srcOff, data, off, len);
    defined.add(off, off + len);
  }

  synchronized void zero(int off, int len) {
    if (off == 0 && len == blockSize) {
      data = null;
    } else if (data != null) {
      Arrays.fill(data, off, off + len, (byte) 0);
    }
    defined.add(off, off + len);
    if (data == null && !isFull()) {
      data = new byte[blockSize]; // partial zeroing of a block with no buffer yet
    }
  }

  /** Whether every byte of the block is defined here (the layers below do not matter). */
  public synchronized boolean isFull() {
    return defined.covers(0, blockSize);
  }

  /** Whether the block is defined whole and every byte is zero. */
  public synchronized boolean isZeroFull() {
    return data == null && isFull();
  }

  /** Copies the defined bytes onto {@code block}, the content of the layers below. */
  public synchronized void applyTo(byte[] block) {
    for (int i = 0; i < defined.size(); i++) {
      int s = defined.start(i);
      int e = defined.end(i);
      if (data == null) {
        Arrays.fill(block, s, e, (byte) 0);
      } else {
        System.arraycopy(data, s, block, s, e - s);
      }
    }
  }

  /** For a full block: copies {@code len} bytes from {@code inBlock} into {@code dst}. */
  public synchronized void copyOut(int inBlock, byte[] dst, int dstOff, int len) {
    if (data == null) {
      Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
    } else {
      System.arraycopy(data, inBlock, dst, dstOff, len);
    }
  }

  /** A copy of the whole content, for a full block. */
  public synchronized byte[] content() {
    return data == null ? new byte[blockSize] : data.clone();
  }
}
