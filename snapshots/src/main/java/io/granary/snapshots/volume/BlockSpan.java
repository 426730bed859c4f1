package io.granary.snapshots.volume;

import java.io.IOException;

/**
 * One block's part of a byte range: the block, where in it the part starts, how long it is,
 * and where in the caller's buffer it goes. {@link #split} is the only place that converts byte
 * offsets into block coordinates (nbdkit's head / aligned body / tail, one block at a time).
 */
record BlockSpan(long block, int offsetInBlock, int length, long bufferOffset) {

  /** Whether this part covers its whole block. */
  boolean whole(int blockSize) {
    return offsetInBlock == 0 && length == blockSize;
  }

  /** Receives the parts of a range, in offset order. */
  @FunctionalInterface
  interface Visitor {
    void visit(BlockSpan span) throws IOException;
  }

  /** Cuts {@code [offset, offset+length)} at block boundaries. */
  static void split(long offset, long length, int blockSize, Visitor visitor) throws IOException {
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      long block = pos / blockSize;
      int inBlock = (int) (pos - block * blockSize);
      int n = (int) Math.min(blockSize - inBlock, end - pos);
      visitor.visit(new BlockSpan(block, inBlock, n, pos - offset));
      pos += n;
    }
  }
}
