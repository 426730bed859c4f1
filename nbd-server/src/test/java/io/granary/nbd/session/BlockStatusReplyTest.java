package io.granary.nbd.session;

import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.protocol.StatusExtent;
import io.granary.snapshots.api.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Volume extents to {@code base:allocation} descriptors: clipped, merged, at least one. */
class BlockStatusReplyTest {
  private static final int K = 1024;
  private static final int DATA = 0;
  private static final int HOLE = StatusExtent.HOLE | StatusExtent.ZERO;

  @Test
  void neighboursOfTheSameKindMerge() {
    List<Extent> extents =
        List.of(
            data(0, 4 * K),
            data(4 * K, 4 * K),
            hole(8 * K, 8 * K),
            hole(16 * K, 16 * K),
            data(32 * K, 4 * K));
    assertEquals(
        List.of(
            new StatusExtent(8 * K, DATA),
            new StatusExtent(24 * K, HOLE),
            new StatusExtent(4 * K, DATA)),
        BlockStatusReply.statusExtents(0, 36 * K, extents, false));
  }

  @Test
  void extentsAreClippedToTheRequest() {
    List<Extent> extents = List.of(hole(0, 4 * K), data(4 * K, 60 * K), hole(64 * K, 64 * K));
    assertEquals(
        List.of(new StatusExtent(56 * K, DATA), new StatusExtent(40 * K, HOLE)),
        BlockStatusReply.statusExtents(8 * K, 96 * K, extents, false));
    assertEquals(
        List.of(new StatusExtent(1000, DATA)),
        BlockStatusReply.statusExtents(5000, 1000, extents, false),
        "inside one extent");
  }

  @Test
  void reqOneGivesOnlyTheFirstMergedExtent() {
    List<Extent> extents = List.of(data(0, 4 * K), data(4 * K, 4 * K), hole(8 * K, 8 * K));
    assertEquals(
        List.of(new StatusExtent(8 * K, DATA)),
        BlockStatusReply.statusExtents(0, 16 * K, extents, true));
    assertEquals(
        List.of(new StatusExtent(2 * K, HOLE)),
        BlockStatusReply.statusExtents(14 * K, 2 * K, extents, true));
  }

  @Test
  void nothingReportedReadsAsZeroes() {
    assertEquals(
        List.of(new StatusExtent(12345, HOLE)),
        BlockStatusReply.statusExtents(4096, 12345, List.of(), false));
    assertEquals(
        List.of(new StatusExtent(4096, HOLE)),
        BlockStatusReply.statusExtents(4096, 4096, List.of(data(0, 4096)), false),
        "an extent that ends where the request starts reports nothing");
  }

  @Test
  void theChunkCarriesTheBaseAllocationContextId() {
    assertArrayEquals(
        hex(
            "668e33ef 0001 0005 0000000000000009 00000014 00000001"
                + " 00001000 00000000 00001000 00000003"),
        bytes(
            BlockStatusReply.encode(
                9, 0, 8 * K, List.of(data(0, 4 * K), hole(4 * K, 4 * K)), false)));
  }

  private static Extent data(long offset, long length) {
    return new Extent(offset, length, true);
  }

  private static Extent hole(long offset, long length) {
    return new Extent(offset, length, false);
  }
}
