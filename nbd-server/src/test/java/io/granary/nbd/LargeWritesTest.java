package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large WRITEs of changing lengths land exactly: payload arrays are reused and may be longer
 * than the payload, with an earlier request's bytes past its end.
 */
class LargeWritesTest {
  private static final int SIZE = 8 << 20;

  @TempDir Path dir;
  private TestExports exports;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    exports = new TestExports(dir);
    exports.create("vol", SIZE);
    NbdServer server = exports.serve();
    port = TestExports.port(server);
  }

  @AfterEach
  void stop() throws Exception {
    exports.close();
  }

  @Test
  void aShorterWriteAfterALongerOneWritesOnlyItsOwnBytes() throws Exception {
    byte[] expected = new byte[SIZE];
    try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
      long cookie = 1;
      // Lengths that share size classes, each shorter than the one before.
      int[] lengths = {1 << 20, 1_000_000, 600_000, (1 << 19) + 1, 70_000, 65_536, 4096};
      int offset = 0;
      for (int i = 0; i < lengths.length; i++) {
        byte[] data = TestData.random(100 + i, lengths[i]);
        offset = (offset + 4096 + 512 * i) % (SIZE - (1 << 20));
        assertEquals(0, c.write(cookie++, offset, data), "write of " + lengths[i]);
        System.arraycopy(data, 0, expected, offset, data.length);
      }
      for (int at = 0; at < SIZE; at += 1 << 20) {
        assertArrayEquals(
            Arrays.copyOfRange(expected, at, at + (1 << 20)), c.read(cookie++, at, 1 << 20));
      }
    }
  }
}
