package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diff is by content: rewriting the same bytes or trimming a hole changes nothing; a ranged
 * diff is the whole diff clipped to the range, for ranges at any offset and length.
 */
class RangedDiffTest {
  private static final long SIZE = 256L << 20;

  @TempDir Path dir;

  @Test
  void changedBlocksAreTheBlocksWhoseContentDiffers() throws Exception {
    Random random = new Random(18);
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("vm", VolumeSpec.ofSize(SIZE));
      BitSet changed = new BitSet();
      int bs;
      try (Volume v = pool.volumes().open("vm")) {
        bs = v.blockSize();
        int blocks = (int) (SIZE / bs);
        List<Integer> written = new ArrayList<>();
        byte[][] content = new byte[blocks][];
        for (int i = 0; i < 400; i++) {
          int b = random.nextInt(blocks);
          content[b] = block(random, bs);
          v.write((long) b * bs, content[b], 0, bs, false);
          written.add(b);
        }
        pool.volumes().snapshot("vm", "a");
        for (int i = 0; i < 100; i++) { // new data: changed
          int b = random.nextInt(blocks);
          byte[] data = block(random, bs);
          v.write((long) b * bs, data, 0, bs, false);
          changed.set(b);
          content[b] = data;
        }
        for (int i = 0; i < 40; i++) { // the same bytes again: unchanged
          int b = written.get(random.nextInt(written.size()));
          if (content[b] != null) {
            v.write((long) b * bs, content[b], 0, bs, false);
          }
        }
        for (int i = 0; i < 40; i++) { // a trim: changed if it held data
          int b = random.nextInt(blocks);
          v.trim((long) b * bs, bs, false);
          if (content[b] != null) {
            changed.set(b);
          }
          content[b] = null;
        }
        for (int i = 0; i < 40; i++) { // zeroes over a hole: unchanged
          int b = random.nextInt(blocks);
          if (content[b] == null) {
            v.writeZeroes((long) b * bs, bs, false);
          }
        }
        // A block written and then set back within the interval is unchanged too.
        int back = written.get(0);
        byte[] before = content[back];
        v.write((long) back * bs, block(random, bs), 0, bs, false);
        if (before != null) {
          v.write((long) back * bs, before, 0, bs, false);
        } else {
          v.trim((long) back * bs, bs, false);
        }
        changed.clear(back);
        pool.volumes().snapshot("vm", "b");
      }
      StateRef a = new StateRef("vm", "a");
      StateRef b = new StateRef("vm", "b");
      List<Extent> whole = pool.volumes().diff(a, b);
      assertEquals(extents(changed, bs), whole);
      assertEquals(whole, pool.volumes().diff(b, a), "symmetric");
      for (int i = 0; i < 300; i++) {
        long offset = (long) (random.nextDouble() * SIZE);
        long length = 1 + (long) (random.nextDouble() * (SIZE / (i % 2 == 0 ? 64 : 2)));
        assertEquals(
            clip(whole, offset, length),
            pool.volumes().diff(a, b, offset, length),
            offset + "+" + length);
      }
      assertEquals(whole, pool.volumes().diff(a, b, 0, SIZE * 4), "past the end");
    }
  }

  private static byte[] block(Random random, int bs) {
    byte[] b = new byte[bs];
    random.nextBytes(b);
    return b;
  }

  private static List<Extent> extents(BitSet blocks, int bs) {
    List<Extent> out = new ArrayList<>();
    for (int b = blocks.nextSetBit(0); b >= 0; ) {
      int end = blocks.nextClearBit(b);
      out.add(new Extent((long) b * bs, (long) (end - b) * bs, true));
      b = blocks.nextSetBit(end);
    }
    return out;
  }

  private static List<Extent> clip(List<Extent> extents, long offset, long length) {
    List<Extent> out = new ArrayList<>();
    long end = Math.min(offset + length, SIZE);
    for (Extent e : extents) {
      long s = Math.max(e.offset(), offset);
      long t = Math.min(e.end(), end);
      if (s < t) {
        out.add(new Extent(s, t - s, true));
      }
    }
    return out;
  }
}
