package io.granary.appliance.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.StatusRun;
import io.granary.snapshots.api.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Depths from the data a state holds and the blocks that differ from its clone origin. */
class AllocationDepthTest {
  private static final long K = 1024;

  @Test
  void aVolumeThatIsNotACloneHasDepthsOneAndZero() {
    List<Extent> allocated = List.of(data(0, 8 * K), hole(8 * K, 8 * K), data(16 * K, 4 * K));
    assertEquals(
        List.of(run(0, 8 * K, 1), run(16 * K, 4 * K, 1)),
        AllocationDepth.depths(0, 32 * K, allocated, List.of(), false));
  }

  @Test
  void aCloneWritesLocallyInheritsTheRestAndZeroesOverInheritedDataAreLocal() {
    // Data 0-16K and 24-32K; 8-12K written by the clone, 16-24K a hole where the origin had
    // data (trimmed by the clone), 40-48K a hole in both.
    List<Extent> allocated =
        List.of(data(0, 16 * K), hole(16 * K, 8 * K), data(24 * K, 8 * K), hole(32 * K, 16 * K));
    List<Extent> written = List.of(extent(8 * K, 4 * K), extent(16 * K, 8 * K));
    assertEquals(
        List.of(
            run(0, 8 * K, 2),
            run(8 * K, 4 * K, 1),
            run(12 * K, 4 * K, 2),
            run(16 * K, 8 * K, 1),
            run(24 * K, 8 * K, 2)),
        AllocationDepth.depths(0, 48 * K, allocated, written, true));
  }

  @Test
  void depthsAreClippedToTheRange() {
    List<Extent> allocated = List.of(data(0, 64 * K));
    List<Extent> written = List.of(extent(16 * K, 16 * K));
    assertEquals(
        List.of(run(10 * K, 6 * K, 2), run(16 * K, 4 * K, 1)),
        AllocationDepth.depths(10 * K, 10 * K, allocated, written, true));
  }

  private static StatusRun run(long offset, long length, int depth) {
    return new StatusRun(offset, length, depth);
  }

  private static Extent data(long offset, long length) {
    return new Extent(offset, length, true);
  }

  private static Extent hole(long offset, long length) {
    return new Extent(offset, length, false);
  }

  private static Extent extent(long offset, long length) {
    return new Extent(offset, length, true);
  }
}
