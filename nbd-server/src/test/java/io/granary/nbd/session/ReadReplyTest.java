package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.snapshots.api.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which extents a sparse READ reply may be built from: only ones that cover it exactly. */
class ReadReplyTest {

  @Test
  void coveringExtentsAreClippedToTheRead() {
    List<Extent> extents = List.of(new Extent(0, 4096, false), new Extent(4096, 8192, true),
        new Extent(12288, 4096, false));
    assertEquals(List.of(new Extent(1000, 3096, false), new Extent(4096, 8192, true),
        new Extent(12288, 1000, false)), ReadReply.clip(extents, 1000, 12288));
    assertEquals(List.of(new Extent(5000, 10, true)), ReadReply.clip(extents, 5000, 10));
  }

  @Test
  void extentsOutsideTheReadAreSkipped() {
    List<Extent> extents = List.of(new Extent(0, 4096, true), new Extent(4096, 4096, false),
        new Extent(8192, 4096, true));
    assertEquals(List.of(new Extent(4096, 4096, false)), ReadReply.clip(extents, 4096, 4096));
  }

  @Test
  void aGapOrAShortfallMeansPlainData() {
    List<Extent> gap = List.of(new Extent(0, 4096, true), new Extent(8192, 4096, false));
    assertEquals(List.of(), ReadReply.clip(gap, 0, 12288));
    List<Extent> late = List.of(new Extent(4096, 4096, false));
    assertEquals(List.of(), ReadReply.clip(late, 0, 8192), "nothing for the start");
    List<Extent> shortOne = List.of(new Extent(0, 4096, false));
    assertEquals(List.of(), ReadReply.clip(shortOne, 0, 8192), "nothing for the end");
    assertEquals(List.of(), ReadReply.clip(List.of(), 0, 8192));
  }
}
