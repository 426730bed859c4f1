package io.granary.snapshots.tree;

/**
 * The geometry of a block map: how many blocks a size needs, how deep the tree is, and how
 * many blocks one entry of a page covers at each level.
 */
public final class TreeShape {
  private TreeShape() {}

  /** Blocks needed for {@code size} bytes. */
  public static long blocks(long size, int blockSize) {
    return (size + blockSize - 1) / blockSize;
  }

  /** The smallest depth d ≥ 1 with FANOUT^d ≥ blocks. */
  public static int depth(long blocks) {
    int d = 1;
    long capacity = MapPage.FANOUT;
    while (capacity < blocks) {
      capacity *= MapPage.FANOUT;
      d++;
    }
    return d;
  }

  /** Blocks covered by one entry of a page at {@code level}: FANOUT^level. */
  public static long span(int level) {
    long s = 1;
    for (int i = 0; i < level; i++) {
      s *= MapPage.FANOUT;
    }
    return s;
  }
}
