package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.randomFile;
import static io.granary.nbd.testing.NbdClients.run;
import static io.granary.nbd.testing.NbdClients.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.ConnectionGauge;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk data through libnbd's nbdcopy, four connections at once each way (multi-conn): 256 MiB of
 * random bytes in with a final flush, out again to another file, identical.
 */
class NbdCopyIT {
  private static final long SIZE = 256L << 20;

  @TempDir Path tmp;
  private TestExports exports;
  private NbdServer server;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("nbdcopy");
    exports = new TestExports(tmp.resolve("pool"));
    exports.create("vol", SIZE);
    server = exports.serve();
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  @Test
  void randomDataCopiesInAndOutOverFourConnections() throws Exception {
    Path in = randomFile(tmp.resolve("in.raw"), SIZE, 42);
    Path out = tmp.resolve("out.raw");
    String uri = TestExports.uri(server, "test/vol");

    // nbdcopy opens no more connections than it has threads (by default, one per core).
    long t0 = System.nanoTime();
    try (ConnectionGauge gauge = new ConnectionGauge(server)) {
      run("nbdcopy", "--connections=4", "--threads=4", "--flush", in.toString(), uri).ok();
      assertEquals(4, gauge.peak(), "connections writing at once");
    }
    long t1 = System.nanoTime();
    try (ConnectionGauge gauge = new ConnectionGauge(server)) {
      run("nbdcopy", "--connections=4", "--threads=4", uri, out.toString()).ok();
      assertEquals(4, gauge.peak(), "connections reading at once");
    }
    long t2 = System.nanoTime();
    System.out.printf(
        "nbdcopy of %d MiB: in %.1f s, out %.1f s%n", SIZE >> 20, (t1 - t0) / 1e9, (t2 - t1) / 1e9);

    assertEquals(SIZE, Files.size(out));
    assertEquals(sha256(in), sha256(out), "what nbdcopy wrote is what it reads back");
  }
}
