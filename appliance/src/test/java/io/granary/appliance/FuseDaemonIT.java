package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * granaryd with both front ends on the same volumes: what NBD writes the file shows at once and
 * the other way round, a volume an NBD client holds cannot be removed, and kill -9 leaves no
 * dead mount behind.
 */
class FuseDaemonIT {
  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;
  private Path mnt;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private Cli start() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "qemu-io", "nbdcopy");
    if (port == 0) {
      port = FreePort.pick();
      mnt = tmp.resolve("mnt");
    }
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--nbd-listen", "127.0.0.1:" + port, "--mount", mnt.toString());
    assertTrue(mounted(), "granaryd mounted " + mnt);
    return new Cli(tmp.resolve("data"));
  }

  private boolean mounted() throws Exception {
    return Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " ");
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  @Test
  void nbdAndTheFileSeeEachOthersWritesAtOnce() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/vm", "--size", "16M");
    Path file = mnt.resolve("default/vm");

    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x6b 1M 64k", uri("default/vm"))
        .ok();
    byte[] seen = new byte[65536];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.seek(1 << 20);
      f.readFully(seen);
    }
    byte[] expected = new byte[65536];
    Arrays.fill(expected, (byte) 0x6b);
    assertArrayEquals(expected, seen, "an NBD write, read through the file");

    byte[] data = TestData.random(5, 65536);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(4 << 20);
      f.write(data);
    }
    Path copy = tmp.resolve("copy.raw");
    ExternalTool.run(60, "nbdcopy", uri("default/vm"), copy.toString()).ok();
    byte[] disk = Files.readAllBytes(copy);
    assertArrayEquals(
        data, Arrays.copyOfRange(disk, 4 << 20, (4 << 20) + 65536), "a file write, read over NBD");
  }

  @Test
  void aVolumeAnNbdClientHoldsCannotBeRemoved() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/held", "--size", "1M");
    // qemu-io keeps its NBD connection while it waits for commands on stdin.
    Process client =
        new ProcessBuilder("qemu-io", "-f", "raw", uri("default/held"))
            .redirectErrorStream(true)
            .start();
    try {
      // Wait until the export is open (a connection still in its handshake holds nothing).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!cli.ok("volume", "show", "default/held", "--json")
          .out()
          .matches("(?s).*\"openHandles\" ?: ?1.*")) {
        assertTrue(System.nanoTime() < deadline, "qemu-io did not open the export");
        Thread.sleep(50);
      }
      var rm = ExternalTool.run(30, "rm", mnt.resolve("default/held").toString());
      assertTrue(rm.exit() != 0 && rm.stderr().contains("Device or resource busy"), rm.stderr());
    } finally {
      client.getOutputStream().close();
      client.waitFor();
    }
    // The server releases the export when it sees the connection close: wait for that.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (cli.ok("volume", "show", "default/held", "--json")
        .out()
        .matches("(?s).*\"openHandles\" ?: ?[1-9].*")) {
      assertTrue(System.nanoTime() < deadline, "the export stayed open after qemu-io left");
      Thread.sleep(50);
    }
    ExternalTool.run(30, "rm", mnt.resolve("default/held").toString()).ok();
    assertFalse(Files.exists(mnt.resolve("default/held")));
  }

  @Test
  void kill9LeavesNoDeadMountAndARestartMountsAgain() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/vm", "--size", "1M");
    daemon.kill9();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (mounted() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(mounted(), "auto_unmount removed the mount of the killed daemon");
    start();
    assertTrue(Files.exists(mnt.resolve("default/vm")));
  }
}
