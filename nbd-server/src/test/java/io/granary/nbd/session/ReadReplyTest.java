package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.snapshots.api.Extent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a READ is cut into data and hole chunks: zero runs of 64 KiB or more become holes. */
class ReadReplyTest {
  private static final int K = 1024;

  private static byte[] withData(int length, int... dataAt) {
    byte[] b = new byte[length];
    for (int at : dataAt) {
      b[at] = 1;
    }
    return b;
  }

  @Test
  void allDataIsOnePiece() {
    byte[] b = new byte[256 * K];
    Arrays.fill(b, (byte) 7);
    assertEquals(List.of(new Extent(100, 256 * K, true)), ReadReply.pieces(b, 100));
  }

  @Test
  void longZeroRunsBecomeHolesCoveringTheReadExactly() {
    // data in the first page, zeroes for 1 MiB - 8 KiB, data in the last page
    byte[] b = withData(K * K, 10, K * K - 1);
    assertEquals(
        List.of(
            new Extent(0, 4 * K, true),
            new Extent(4 * K, K * K - 8 * K, false),
            new Extent(K * K - 4 * K, 4 * K, true)),
        ReadReply.pieces(b, 0));
    assertEquals(List.of(new Extent(5, K * K, false)), ReadReply.pieces(new byte[K * K], 5));
  }

  @Test
  void shortZeroRunsStayData() {
    byte[] b = withData(128 * K, 0, 60 * K); // 56 KiB of zeroes between: below the minimum
    assertEquals(
        List.of(new Extent(0, 64 * K, true), new Extent(64 * K, 64 * K, false)),
        ReadReply.pieces(b, 0));
    assertEquals(
        List.of(new Extent(0, 60 * K, true)),
        ReadReply.pieces(new byte[60 * K], 0),
        "a read shorter than the minimum is data");
  }

  @Test
  void anUnalignedTailIsScannedToo() {
    byte[] b = withData(64 * K + 100, 64 * K + 99);
    assertEquals(
        List.of(new Extent(0, 64 * K, false), new Extent(64 * K, 100, true)),
        ReadReply.pieces(b, 0));
  }
}
