package io.granary.snapshots.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OverlayTest {
  @Test
  void byteRangesMergeLikeASetOfBytes() {
    Random r = new Random(5);
    for (int round = 0; round < 200; round++) {
      ByteRanges ranges = new ByteRanges();
      boolean[] model = new boolean[300];
      for (int i = 0; i < 8; i++) {
        int s = r.nextInt(300);
        int e = s + r.nextInt(300 - s + 1);
        ranges.add(s, e);
        for (int k = s; k < e; k++) {
          model[k] = true;
        }
      }
      boolean[] got = new boolean[300];
      int prevEnd = -1;
      for (int i = 0; i < ranges.size(); i++) {
        assertTrue(ranges.start(i) > prevEnd, "disjoint, sorted and merged");
        prevEnd = ranges.end(i);
        for (int k = ranges.start(i); k < ranges.end(i); k++) {
          got[k] = true;
        }
      }
      assertArrayEquals(model, got);
    }
  }

  @Test
  void dirtyBlocksWinOverZeroRunsAndZeroRunsDropDirtyBlocks() throws Exception {
    Overlay o = new Overlay(4096);
    assertTrue(o.write(5, 0, new byte[] {1}, 0, 1));
    assertFalse(o.write(5, 1, new byte[] {2}, 0, 1));
    assertEquals(1, o.zeroBlocks(0, 10));
    assertEquals(Overlay.Presence.ZERO, o.presence(5));
    o.write(7, 100, new byte[] {3}, 0, 1);
    DirtyBlock d = o.dirty(7);
    assertTrue(d.isFull(), "a block inside a zero run starts as whole zeroes");
    byte[] c = new byte[4096];
    d.copyOut(0, c, 0, c.length);
    assertEquals(3, c[100]);
    assertEquals(0, c[0]);
    assertEquals(Overlay.Presence.ABSENT, o.presence(10));
    o.truncate(6);
    assertEquals(Overlay.Presence.ABSENT, o.presence(7));
    assertEquals(Overlay.Presence.ZERO, o.presence(5));
  }
}
