package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * granaryd with no more privilege than its systemd unit grants: root's capabilities cut down to
 * the unit's {@code CapabilityBoundingSet} and no new privileges, as systemd would start it. It
 * must still mount FUSE, serve NBD, hand its admin socket to the admin group and stop cleanly.
 */
class LeastPrivilegeIT {
  private static final Path UNIT = Path.of("..", "packaging", "src", "systemd", "granaryd.service");

  /** Bit numbers of capability(7) names, for the ones the unit may list. */
  private static final List<String> CAPS =
      List.of(
          "chown",
          "dac_override",
          "dac_read_search",
          "fowner",
          "fsetid",
          "kill",
          "setgid",
          "setuid",
          "setpcap",
          "linux_immutable",
          "net_bind_service",
          "net_broadcast",
          "net_admin",
          "net_raw",
          "ipc_lock",
          "ipc_owner",
          "sys_module",
          "sys_rawio",
          "sys_chroot",
          "sys_ptrace",
          "sys_pacct",
          "sys_admin",
          "sys_boot",
          "sys_nice",
          "sys_resource");

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private Path mnt;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** The unit's capabilities, lower case without the CAP_ prefix (setpriv's spelling). */
  private static List<String> unitCapabilities() throws Exception {
    for (String line : Files.readAllLines(UNIT)) {
      if (line.startsWith("CapabilityBoundingSet=")) {
        return Arrays.stream(line.substring(line.indexOf('=') + 1).trim().split("\\s+"))
            .map(c -> c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""))
            .toList();
      }
    }
    throw new AssertionError("no CapabilityBoundingSet in " + UNIT);
  }

  private Cli start(List<String> caps) throws Exception {
    port = FreePort.pick();
    List<String> wrapper =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--no-new-privs",
                "--inh-caps=-all",
                "--bounding-set=-all"
                    + caps.stream().map(c -> ",+" + c).reduce("", String::concat)));
    mnt = tmp.resolve("mnt");
    Path config = tmp.resolve("granary.conf");
    Files.writeString(config, "[admin]\ngroup = \"users\"\n");
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .wrapper(wrapper.toArray(String[]::new))
            .start(
                "--config",
                config.toString(),
                "--nbd-listen",
                "127.0.0.1:" + port,
                "--mount",
                mnt.toString());
    return new Cli(tmp.resolve("data"));
  }

  @Test
  void theUnitsCapabilitiesAreEnoughForFuseNbdAndTheAdminGroup() throws Exception {
    Requirements.require(Requirements.isRoot(), "root (to mount FUSE with cut-down capabilities)");
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("setpriv", "fusermount", "qemu-io");
    List<String> caps = unitCapabilities();
    assertEquals(
        List.of("sys_admin", "chown"),
        caps,
        "the unit grants FUSE's mount and the admin socket's chown, nothing else");
    Cli cli = start(caps);

    long expected = 0;
    for (String c : caps) {
      expected |= 1L << CAPS.indexOf(c);
    }
    String status = Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "status"));
    assertEquals(expected, capField(status, "CapEff"), status);
    assertEquals(expected, capField(status, "CapBnd"), status);
    assertTrue(status.contains("NoNewPrivs:\t1"), status);

    assertTrue(
        Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " "),
        "mounted " + mnt);
    assertEquals(
        "users",
        Files.readAttributes(tmp.resolve("data/admin.sock"), PosixFileAttributes.class)
            .group()
            .getName());
    cli.ok("volume", "create", "default/vm", "--size", "8M");
    Path image = tmp.resolve("image");
    Files.write(image, TestData.random(7, 1 << 20));
    ExternalTool.run(
            60,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -s " + image + " 0 1M",
            "nbd://127.0.0.1:" + port + "/default/vm")
        .ok();
    byte[] viaFuse = new byte[1 << 20];
    try (var in = Files.newInputStream(mnt.resolve("default/vm"))) {
      assertEquals(viaFuse.length, in.readNBytes(viaFuse, 0, viaFuse.length));
    }
    assertArrayEquals(Files.readAllBytes(image), viaFuse, "the NBD write, read through FUSE");

    assertEquals(143, daemon.stop(), daemon.log());
    assertFalse(
        Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " "),
        "the clean stop unmounted");
  }

  @Test
  void withoutTheMountCapabilityNbdStillServesAndTheLogSaysWhy() throws Exception {
    Requirements.require(Requirements.isRoot(), "root (to mount FUSE with cut-down capabilities)");
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("setpriv", "fusermount", "nbdinfo");
    Cli cli = start(List.of("chown"));
    assertTrue(
        daemon
            .log()
            .contains(
                "granaryd runs without CAP_SYS_ADMIN, which mounting FUSE "
                    + "needs: check CapabilityBoundingSet= of granaryd.service"),
        daemon.log());
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " "));
    cli.ok("volume", "create", "default/vm", "--size", "8M");
    assertTrue(
        ExternalTool.run(60, "nbdinfo", "--size", "nbd://127.0.0.1:" + port + "/default/vm")
            .ok()
            .stdout()
            .contains("8388608"));
  }

  private static long capField(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
      }
    }
    throw new AssertionError(field + " not in /proc/PID/status");
  }
}
