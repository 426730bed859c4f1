package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.DamagedBlocks;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which volumes and snapshots have blocks in given chunks (what a scrub's damage costs). */
class BlocksInTest {
  private static final int BS = VolumeSpec.DEFAULT_BLOCK_SIZE;

  @TempDir Path dir;

  private static ChunkId idOf(byte[] block) throws Exception {
    return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(block));
  }

  @Test
  void theBlocksOfEachVolumeAndSnapshotInTheChunksAreNamed() throws Exception {
    byte[] data = TestData.random(3, 8 * BS);
    byte[] later = TestData.random(4, BS);
    try (TestPool p = new TestPool(dir)) {
      p.volumes().create("v", VolumeSpec.ofSize(8L * BS));
      p.volumes().create("other", VolumeSpec.ofSize(8L * BS));
      try (Volume v = p.volumes().open("v")) {
        v.write(0, data, 0, data.length, false);
      }
      p.volumes().snapshot("v", "s");
      try (Volume v = p.volumes().open("v")) {
        v.write(2L * BS, later, 0, BS, false);
      }
      p.volumes().flushAll();
      Set<ChunkId> damaged =
          Set.of(
              idOf(Arrays.copyOfRange(data, 2 * BS, 3 * BS)),
              idOf(Arrays.copyOfRange(data, 5 * BS, 6 * BS)),
              idOf(Arrays.copyOfRange(data, 6 * BS, 7 * BS)));
      assertEquals(
          List.of(
              new DamagedBlocks("v", List.of(new Extent(5L * BS, 2L * BS, true)), false),
              new DamagedBlocks(
                  "v@s",
                  List.of(new Extent(2L * BS, BS, true), new Extent(5L * BS, 2L * BS, true)),
                  false)),
          p.volumes().blocksIn(damaged));
      assertEquals(List.of(), p.volumes().blocksIn(Set.of(idOf(new byte[] {1}))));
    }
  }
}
