package io.granary.nbd.session;

import static io.granary.nbd.testing.NbdWire.bytes;
import static io.granary.nbd.testing.NbdWire.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.StatusRun;
import io.granary.nbd.protocol.StatusExtent;
import io.granary.snapshots.api.Extent;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs to BLOCK_STATUS descriptors (clipped, gaps as flags 0, merged, at least one), volume
 * extents to {@code base:allocation} runs, and one chunk per context.
 */
class BlockStatusReplyTest {
  private static final int K = 1024;
  private static final int HOLE = StatusExtent.HOLE | StatusExtent.ZERO;
  private static final int DIRTY = 1;

  @Test
  void neighboursWithTheSameFlagsMergeAndGapsAreFlagsZero() {
    List<StatusRun> runs =
        List.of(run(8 * K, 8 * K, DIRTY), run(16 * K, 16 * K, DIRTY), run(40 * K, 4 * K, 2));
    assertEquals(
        List.of(
            new StatusExtent(8 * K, 0),
            new StatusExtent(24 * K, DIRTY),
            new StatusExtent(8 * K, 0),
            new StatusExtent(4 * K, 2),
            new StatusExtent(4 * K, 0)),
        BlockStatusReply.statusExtents(0, 48 * K, runs, false));
  }

  @Test
  void runsAreClippedToTheRequest() {
    List<StatusRun> runs = List.of(run(0, 4 * K, DIRTY), run(64 * K, 64 * K, DIRTY));
    assertEquals(
        List.of(new StatusExtent(56 * K, 0), new StatusExtent(40 * K, DIRTY)),
        BlockStatusReply.statusExtents(8 * K, 96 * K, runs, false));
    assertEquals(
        List.of(new StatusExtent(1000, DIRTY)),
        BlockStatusReply.statusExtents(70 * K, 1000, runs, false),
        "inside one run");
  }

  @Test
  void reqOneGivesOnlyTheFirstMergedExtent() {
    List<StatusRun> runs = List.of(run(0, 4 * K, DIRTY), run(4 * K, 4 * K, DIRTY));
    assertEquals(
        List.of(new StatusExtent(8 * K, DIRTY)),
        BlockStatusReply.statusExtents(0, 16 * K, runs, true));
    assertEquals(
        List.of(new StatusExtent(2 * K, 0)),
        BlockStatusReply.statusExtents(14 * K, 2 * K, runs, true));
  }

  @Test
  void noRunsIsOneExtentOfFlagsZero() {
    assertEquals(
        List.of(new StatusExtent(12345, 0)),
        BlockStatusReply.statusExtents(4096, 12345, List.of(), false));
    assertEquals(
        List.of(new StatusExtent(4096, 0)),
        BlockStatusReply.statusExtents(4096, 4096, List.of(run(0, 4096, DIRTY)), false),
        "a run that ends where the request starts reports nothing");
  }

  @Test
  void whatTheVolumeDoesNotReportIsAHole() {
    List<Extent> extents =
        List.of(data(0, 4 * K), hole(4 * K, 4 * K), data(8 * K, 4 * K), data(20 * K, 4 * K));
    assertEquals(
        List.of(run(4 * K, 4 * K, HOLE), run(12 * K, 8 * K, HOLE), run(24 * K, 8 * K, HOLE)),
        AllocationStatus.holes(0, 32 * K, extents));
    assertEquals(List.of(run(0, 4 * K, HOLE)), AllocationStatus.holes(0, 4 * K, List.of()));
    assertEquals(List.of(), AllocationStatus.holes(K, 2 * K, List.of(data(0, 4 * K))), "all data");
  }

  @Test
  void oneChunkPerContextInIdOrderTheLastOneEndsTheReply() throws Exception {
    ContextMap allocation =
        new ContextMap(1, "base:allocation", (o, l) -> List.of(run(4 * K, 4 * K, HOLE)));
    ContextMap dirty = new ContextMap(2, "qemu:dirty-bitmap:a", (o, l) -> List.of());
    ByteBuffer[] chunks = BlockStatusReply.encode(9, 0, 8 * K, List.of(allocation, dirty), false);
    assertEquals(2, chunks.length);
    assertArrayEquals(
        hex(
            "668e33ef 0000 0005 0000000000000009 00000014 00000001"
                + " 00001000 00000000 00001000 00000003"),
        bytes(chunks[0]),
        "flags 0: not the last chunk");
    assertArrayEquals(
        hex("668e33ef 0001 0005 0000000000000009 0000000c 00000002 00002000 00000000"),
        bytes(chunks[1]),
        "flags 1 (DONE) on the last chunk");
  }

  private static StatusRun run(long offset, long length, int flags) {
    return new StatusRun(offset, length, flags);
  }

  private static Extent data(long offset, long length) {
    return new Extent(offset, length, true);
  }

  private static Extent hole(long offset, long length) {
    return new Extent(offset, length, false);
  }
}
