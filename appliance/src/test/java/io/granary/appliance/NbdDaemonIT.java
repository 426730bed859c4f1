package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * granaryd's NBD listener with real clients: volumes made through the CLI are exports at once,
 * snapshots are read-only exports, and what FLUSH or FUA acknowledged survives kill -9.
 */
class NbdDaemonIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private Cli startDaemon() throws Exception {
    if (port == 0) {
      port = FreePort.pick();
    }
    daemon = new DaemonProcess(tmp.resolve("data")).start("--nbd-listen", "127.0.0.1:" + port);
    return new Cli(tmp.resolve("data"));
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  @Test
  void volumesAndSnapshotsOfTheCliAreExportsAtOnce() throws Exception {
    ExternalTool.require("nbdinfo", "qemu-io");
    Cli cli = startDaemon();
    cli.ok("volume", "create", "default/vm1", "--size", "64M");
    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x11 0 1M", uri("default/vm1"))
        .ok();
    cli.ok("snapshot", "create", "default/vm1@s1");
    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x22 0 1M", uri("default/vm1"))
        .ok();

    String list =
        ExternalTool.run(60, "nbdinfo", "--list", "nbd://127.0.0.1:" + port).ok().stdout();
    assertTrue(list.contains("export=\"default/vm1\""), list);
    assertTrue(list.contains("export=\"default/vm1@s1\""), list);
    ExternalTool.run(
            60, "qemu-io", "-f", "raw", "-r", "-c", "read -P 0x11 0 1M", uri("default/vm1@s1"))
        .ok();
    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "read -P 0x22 0 1M", uri("default/vm1"))
        .ok();
    var write =
        ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write 0 4k", uri("default/vm1@s1"));
    assertNotEquals(0, write.exit(), "a snapshot export refuses writes");

    String status = cli.ok("status", "--json").out();
    assertTrue(
        status.contains("\"serving\" : true") || status.contains("\"serving\":true"), status);
  }

  @Test
  void flushedAndFuaWritesSurviveKill9() throws Exception {
    ExternalTool.require("qemu-io", "nbdcopy");
    Cli cli = startDaemon();
    cli.ok("volume", "create", "default/crash", "--size", "64M");
    for (int round = 1; round <= 4; round++) {
      int flushed = round * 4 * MIB;
      int fua = flushed + MIB;
      int unflushed = flushed + 2 * MIB;
      String pattern = String.valueOf(0x30 + round);
      // Acknowledged by FLUSH, by FUA, and one that nothing made durable.
      ExternalTool.run(
              60,
              "qemu-io",
              "-f",
              "raw",
              "-c",
              "write -P " + pattern + " " + flushed + " 1M",
              "-c",
              "flush",
              "-c",
              "write -f -P " + pattern + " " + fua + " 1M",
              "-c",
              "write -P " + pattern + " " + unflushed + " 1M",
              uri("default/crash"))
          .ok();
      daemon.kill9();
      cli = startDaemon();
      Path image = tmp.resolve("round" + round + ".raw");
      ExternalTool.run(120, "nbdcopy", uri("default/crash"), image.toString()).ok();
      byte[] disk = Files.readAllBytes(image);
      for (int r = 1; r <= round; r++) {
        byte p = (byte) (0x30 + r);
        assertRegion(
            disk,
            r * 4 * MIB,
            MIB,
            p,
            "round " + r + ": flushed write after " + round + " kill -9");
        assertRegion(
            disk,
            r * 4 * MIB + MIB,
            MIB,
            p,
            "round " + r + ": FUA write after " + round + " kill -9");
        assertOldOrNew(disk, r * 4 * MIB + 2 * MIB, MIB, p);
      }
    }
  }

  private static void assertRegion(byte[] disk, int offset, int length, byte value, String what) {
    for (int i = offset; i < offset + length; i++) {
      if (disk[i] != value) {
        throw new AssertionError(what + ": byte " + i + " is " + disk[i] + ", expected " + value);
      }
    }
  }

  /** An unacknowledged write may be lost, but each 4 KiB piece is all old or all new. */
  private static void assertOldOrNew(byte[] disk, int offset, int length, byte value) {
    for (int block = offset; block < offset + length; block += 4096) {
      byte first = disk[block];
      assertTrue(first == 0 || first == value, "unflushed block at " + block + " reads " + first);
      for (int i = block; i < block + 4096; i++) {
        assertEquals(first, disk[i], "torn 4 KiB block at " + block);
      }
    }
  }
}
