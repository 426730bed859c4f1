package io.granary.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.dedupe.testing.TestData;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.TestExports;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that sends more than its in-flight budget is slowed down, never stalled: reading
 * pauses while the budget is spent and resumes as replies go out.
 */
class InFlightLimitTest {
  private static final int MIB = 1 << 20;
  private static final int WRITES = 8;
  private static final int SIZE = 8 * MIB;

  @TempDir Path dir;

  @Test
  void twiceTheBudgetPipelinedIsAllAnswered() throws Exception {
    try (TestExports exports = new TestExports(dir)) {
      exports.create("vol", WRITES * SIZE);
      int port = TestExports.port(exports.serve(
          NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0)).withMaxInFlightBytes(32L * MIB)));
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < WRITES; i++) {
          all.writeBytes(NbdWire.request(0, RawNbdClient.WRITE, i, (long) i * SIZE, SIZE,
              TestData.random(i, SIZE)));
        }
        c.send(all.toByteArray());
        Set<Long> cookies = new HashSet<>();
        for (int i = 0; i < WRITES; i++) {
          RawNbdClient.SimpleReply r = c.readSimple();
          assertEquals(0, r.error());
          cookies.add(r.cookie());
        }
        assertEquals(WRITES, cookies.size());
        for (int i = 0; i < WRITES; i += 7) {
          assertArrayEquals(TestData.random(i, SIZE), c.read(100 + i, (long) i * SIZE, SIZE),
              "write " + i);
        }
      }
    }
  }
}
