package io.granary.nbd.protocol;

/**
 * One extent of a BLOCK_STATUS chunk: a non-zero length and the context's flags (for
 * {@code base:allocation}: bit 0 hole, bit 1 reads as zeroes).
 */
public record StatusExtent(int length, int flags) {
  public static final int HOLE = 1;
  public static final int ZERO = 2;

  public StatusExtent {
    if (length == 0) {
      throw new IllegalArgumentException("extent length 0");
    }
  }
}
