package io.granary.snapshots.overlay;

import java.util.Arrays;

/**
 * The newest bytes of one block that the tree does not have yet: a block buffer (off the heap,
 * from {@link BlockBuffers}) and the ranges of it that writes defined. A block zeroed whole
 * holds no buffer until the next partial write.
 *
 * <p>Thread-safe (its own monitor). States: live, then released once its overlay is flushed or
 * the block dropped; the buffer then goes back to the pool, and a reader that still held the
 * block gets a {@link ReleasedBlockException} and reads again from the volume's newer state,
 * instead of bytes that another block now owns.
 */
public final class DirtyBlock {
  private static final byte[] ZEROES = new byte[64 << 10];

  private final long index;
  private final int blockSize;
  private BlockBuffers.Lease lease; // null while the block has no buffer
  private final ByteRanges defined = new ByteRanges();
  private boolean released;

  DirtyBlock(long index, int blockSize) {
    this.index = index;
    this.blockSize = blockSize;
  }

  public long index() {
    return index;
  }

  synchronized void write(int off, byte[] src, int srcOff, int len) {
    if (lease == null) {
      takeBuffer(); // what is defined so far was zeroed
    }
    lease.buffer().put(off, src, srcOff, len);
    defined.add(off, off + len);
  }

  synchronized void zero(int off, int len) {
    if (off == 0 && len == blockSize) {
      giveBack();
    } else if (lease != null) {
      fill(off, len);
    }
    defined.add(off, off + len);
    if (lease == null && !isFull()) {
      takeBuffer(); // partial zeroing of a block with no buffer yet
    }
  }

  /** Takes a buffer and zeroes every defined range (a block with no buffer is zeroes). */
  private void takeBuffer() {
    lease = BlockBuffers.take(blockSize);
    for (int i = 0; i < defined.size(); i++) {
      fill(defined.start(i), defined.end(i) - defined.start(i));
    }
  }

  private void fill(int off, int len) {
    for (int done = 0; done < len; ) {
      int n = Math.min(len - done, ZEROES.length);
      lease.buffer().put(off + done, ZEROES, 0, n);
      done += n;
    }
  }

  /** Whether every byte of the block is defined here (the layers below do not matter). */
  public synchronized boolean isFull() {
    return defined.covers(0, blockSize);
  }

  /** Whether bytes {@code [start, end)} are all defined here. */
  public synchronized boolean defines(int start, int end) {
    return defined.covers(start, end);
  }

  /** Whether the block is defined whole and every byte is zero. */
  public synchronized boolean isZeroFull() {
    return lease == null && isFull();
  }

  /** Copies the defined bytes onto {@code block}, the content of the layers below. */
  public void applyTo(byte[] block) throws ReleasedBlockException {
    applyTo(block, 0);
  }

  /** Copies the defined bytes onto the block that starts at {@code at} in {@code dst}. */
  public synchronized void applyTo(byte[] dst, int at) throws ReleasedBlockException {
    checkLive();
    for (int i = 0; i < defined.size(); i++) {
      int s = defined.start(i);
      int e = defined.end(i);
      if (lease == null) {
        Arrays.fill(dst, at + s, at + e, (byte) 0);
      } else {
        lease.buffer().get(s, dst, at + s, e - s);
      }
    }
  }

  /** For defined bytes: copies {@code len} bytes from {@code inBlock} into {@code dst}. */
  public synchronized void copyOut(int inBlock, byte[] dst, int dstOff, int len)
      throws ReleasedBlockException {
    checkLive();
    if (lease == null) {
      Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
    } else {
      lease.buffer().get(inBlock, dst, dstOff, len);
    }
  }

  /** Gives the buffer back; later reads of this block throw. */
  synchronized void release() {
    released = true;
    giveBack();
  }

  private void giveBack() {
    if (lease != null) {
      BlockBuffers.give(lease);
      lease = null;
    }
  }

  private void checkLive() throws ReleasedBlockException {
    if (released) {
      throw new ReleasedBlockException(index);
    }
  }
}
