package io.granary.dedupe.api;

import java.util.Arrays;

/**
 * Whether bytes are all zero: the one test behind every hole (a chunk never stored, a block
 * dropped at flush, an NBD read answered as a hole, an image copy that skips a range). A
 * vectorized compare ({@link Arrays#mismatch}) against a block of zeroes.
 */
public final class Zeroes {
  private static final byte[] ZEROES = new byte[64 << 10];

  private Zeroes() {}

  /** Whether {@code len} bytes of {@code data} from {@code off} are all zero. */
  public static boolean isZero(byte[] data, int off, int len) {
    for (int i = off, end = off + len; i < end; i += ZEROES.length) {
      int n = Math.min(ZEROES.length, end - i);
      if (Arrays.mismatch(data, i, i + n, ZEROES, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether every byte of {@code data} is zero. */
  public static boolean isZero(byte[] data) {
    return isZero(data, 0, data.length);
  }
}
