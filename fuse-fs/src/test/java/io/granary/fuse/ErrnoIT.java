package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.testing.ExternalTool;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each refusal of the namespace, provoked with the shell tools and read back as its errno text. */
class ErrnoIT {
  @TempDir Path dir;
  private MountedPool mounted;
  private TestNamespace namespace;
  private String pool;

  @BeforeEach
  void mount() throws Exception {
    mounted = MountedPool.open(dir, "stat", "truncate", "mv", "rm");
    namespace = mounted.namespace;
    pool = mounted.pool.toString();
    namespace.volumes().create("vm", VolumeSpec.ofSize(1 << 20));
    namespace.volumes().snapshot("vm", "s1");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.close();
    }
  }

  private static void fails(String errnoText, String... command) throws Exception {
    var r = ExternalTool.run(30, command);
    assertTrue(r.exit() != 0, String.join(" ", command) + " succeeded");
    assertTrue(r.stderr().contains(errnoText), String.join(" ", command) + ": " + r.stderr());
  }

  @Test
  void missingThingsAreEnoent() throws Exception {
    fails("No such file or directory", "stat", pool + "/nope");
    fails("No such file or directory", "ls", mounted.mount.mountPoint() + "/nopool");
    fails("No such file or directory", "cat", pool + "/.snapshots/vm/nope");
  }

  @Test
  void snapshotsAreErofs() throws Exception {
    fails(
        "Read-only file system",
        "dd",
        "if=/dev/zero",
        "of=" + pool + "/.snapshots/vm/s1",
        "bs=4k",
        "count=1",
        "conv=notrunc",
        "status=none");
    fails("Read-only file system", "truncate", "-s", "0", pool + "/.snapshots/vm/s1");
    fails("Read-only file system", "rm", "-f", pool + "/.snapshots/vm/s1");
    assertEquals(1, namespace.volumes().snapshots("vm").size(), "the snapshot is still there");
  }

  @Test
  void directoriesOtherThanPoolsAreRefused() throws Exception {
    fails("Operation not permitted", "mkdir", pool + "/dir");
    fails("Operation not permitted", "mkdir", mounted.mount.mountPoint() + "/newpool");
    fails("Is a directory", "cat", pool + "/.snapshots");
  }

  @Test
  void namesBreakingTheNamingRuleAreEinval() throws Exception {
    fails("Invalid argument", "truncate", "-s", "1M", pool + "/bad name");
    fails("Invalid argument", "mv", pool + "/vm", pool + "/-dash");
    assertTrue(
        namespace.volumes().list().stream().anyMatch(v -> v.name().equals("vm")), "vm untouched");
  }

  @Test
  void aVolumeInUseIsEbusyAndAFreeOneIsDeleted() throws Exception {
    namespace.volumes().create("busy", VolumeSpec.ofSize(1 << 20));
    try (Volume inUse = namespace.volumes().open("busy")) {
      fails("Device or resource busy", "rm", pool + "/busy");
    }
    ExternalTool.run(30, "rm", pool + "/busy").ok();
    assertEquals(false, namespace.volumes().list().stream().anyMatch(v -> v.name().equals("busy")));
  }

  @Test
  void truncateResizesAndMvRenames() throws Exception {
    ExternalTool.run(30, "truncate", "-s", "10M", pool + "/vm").ok();
    assertEquals(10 << 20, namespace.volumes().info("vm").size());
    ExternalTool.run(30, "truncate", "-s", "16G", pool + "/new").ok();
    assertEquals(16L << 30, namespace.volumes().info("new").size(), "truncate -s makes a volume");
    ExternalTool.run(30, "mv", pool + "/new", pool + "/renamed").ok();
    assertEquals(16L << 30, namespace.volumes().info("renamed").size());
    // rename(2) onto an existing volume would destroy it silently: refused instead.
    fails("File exists", "mv", "-T", pool + "/renamed", pool + "/vm");
    assertEquals(10 << 20, namespace.volumes().info("vm").size(), "the target is untouched");
  }
}
