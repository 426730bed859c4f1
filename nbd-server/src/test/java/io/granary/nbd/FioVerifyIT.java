package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.ExternalTool;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's nbd engine (libnbd, many requests in flight): random 4 KiB writes, each block carrying a
 * crc32c that fio checks when it reads everything back.
 */
class FioVerifyIT {
  @TempDir Path tmp;
  private TestExports exports;
  private NbdServer server;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("fio");
    exports = new TestExports(tmp);
    exports.create("vol", 64L << 20);
    server = exports.serve();
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  @Test
  void randomWritesAtQueueDepth16VerifyByChecksum() throws Exception {
    ExternalTool.Result r =
        run(
                "fio",
                "--name=v",
                "--ioengine=nbd",
                "--uri=" + TestExports.uri(server, "test/vol"),
                "--rw=randwrite",
                "--bs=4k",
                "--size=32m",
                "--iodepth=16",
                "--verify=crc32c",
                "--do_verify=1",
                "--verify_fatal=1")
            .ok();

    String out = r.stdout() + r.stderr();
    assertTrue(out.contains("err= 0"), out);
    // 32 MiB in 4 KiB blocks: 8,192 writes, then the verify pass reads each one back.
    assertTrue(out.contains("issued rwts: total=8192,8192,"), out);
    assertFalse(
        out.contains("verify:"), "fio reports every checksum mismatch as 'verify: ...': " + out);
    assertFalse(out.contains("bad magic"), out);
  }
}
