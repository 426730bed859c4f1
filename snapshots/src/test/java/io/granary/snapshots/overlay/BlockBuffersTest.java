package io.granary.snapshots.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.VolumeSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dirty blocks' memory: reused across block sizes, and no two buffers share bytes. */
class BlockBuffersTest {
  private static final int IN_USE = 32 << 20;

  @Test
  void memoryFollowsThePeakInUseWhateverTheMixOfBlockSizes() {
    long before = BlockBuffers.slabBytes();
    for (int round = 0; round < 2; round++) {
      for (int size = VolumeSpec.MIN_BLOCK_SIZE; size <= VolumeSpec.MAX_BLOCK_SIZE; size <<= 1) {
        List<BlockBuffers.Lease> taken = new ArrayList<>();
        for (int i = 0; i < IN_USE / size; i++) {
          BlockBuffers.Lease lease = BlockBuffers.take(size);
          assertEquals(size, lease.buffer().remaining());
          taken.add(lease);
        }
        taken.forEach(BlockBuffers::give);
      }
    }
    long grown = BlockBuffers.slabBytes() - before;
    // Nine block sizes with a free list each would hold 9 × 32 MiB.
    assertTrue(grown <= IN_USE, "slabs grew by " + grown + " bytes for " + IN_USE + " in use");
  }

  @Test
  void buffersTakenTogetherNeverOverlapAcrossSizes() {
    List<BlockBuffers.Lease> taken = new ArrayList<>();
    int[] sizes = {4 << 10, 16 << 10, 4 << 10, 64 << 10, 1 << 20, 8 << 10};
    for (int i = 0; i < 600; i++) {
      BlockBuffers.Lease lease = BlockBuffers.take(sizes[i % sizes.length]);
      fill(lease.buffer(), (byte) i);
      taken.add(lease);
      if (i % 7 == 3) { // give some back as we go, so that slabs are cut again
        BlockBuffers.Lease back = taken.remove(taken.size() / 2);
        BlockBuffers.give(back);
        fill(back.buffer(), (byte) 0); // what a stale holder might do: must hit no live buffer
      }
    }
    for (BlockBuffers.Lease lease : taken) {
      ByteBuffer b = lease.buffer();
      byte mark = b.get(0);
      for (int j = 0; j < b.capacity(); j += 512) {
        assertEquals(mark, b.get(j), "a buffer's bytes changed under it at " + j);
      }
      BlockBuffers.give(lease);
    }
  }

  private static void fill(ByteBuffer b, byte v) {
    for (int j = 0; j < b.capacity(); j++) {
      b.put(j, v);
    }
  }
}
