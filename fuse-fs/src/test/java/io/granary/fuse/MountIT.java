package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.fuse.api.FuseMount;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.testing.ExternalTool;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real FUSE mount of a pool, used with the tools an administrator would use. */
class MountIT {
  @TempDir Path dir;
  private MountedPool mounted;
  private TestNamespace namespace;
  private FuseMount mount;
  private Path pool;

  @BeforeEach
  void mount() throws Exception {
    mounted = MountedPool.open(dir, "cp", "cmp", "dd", "sha256sum", "stat", "df", "truncate");
    namespace = mounted.namespace;
    mount = mounted.mount;
    pool = mounted.pool;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.close();
      assertFalse(
          Files.readString(Path.of("/proc/self/mountinfo")).contains(dir.resolve("mnt").toString()),
          "no mount left behind");
    }
  }

  @Test
  void volumesAreFilesOfTheirSize() throws Exception {
    namespace.volumes().create("vm1", VolumeSpec.ofSize(8 << 20));
    try (Volume v = namespace.volumes().open("vm1")) {
      v.write(4096, TestData.random(1, 65536), 0, 65536, false);
    }
    assertEquals(List.of(TestNamespace.POOL), list(mount.mountPoint()));
    assertTrue(list(pool).contains("vm1"));
    assertEquals(8 << 20, Files.size(pool.resolve("vm1")));
    byte[] content = Files.readAllBytes(pool.resolve("vm1"));
    byte[] expected = new byte[8 << 20];
    System.arraycopy(TestData.random(1, 65536), 0, expected, 4096, 65536);
    assertArrayEquals(expected, content);
  }

  @Test
  void ddAndCpRoundTripsKeepEveryByte() throws Exception {
    Path image = dir.resolve("disk.raw");
    // Not a multiple of anything: the file grows ahead in steps and is cut back at close.
    int size = (6 << 20) + 123;
    Files.write(image, TestData.random(7, size));
    ExternalTool.run(60, "cp", image.toString(), pool.resolve("copied").toString()).ok();
    ExternalTool.run(60, "cmp", image.toString(), pool.resolve("copied").toString()).ok();
    assertEquals(
        size, namespace.volumes().info("copied").size(), "cp made a volume of the file's size");
    assertEquals(size, Files.size(pool.resolve("copied")));
    Path back = dir.resolve("back.raw");
    ExternalTool.run(60, "dd", "if=" + pool.resolve("copied"), "of=" + back, "bs=1M", "status=none")
        .ok();
    assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(back));
    String sum =
        ExternalTool.run(60, "sha256sum", pool.resolve("copied").toString())
            .ok()
            .stdout()
            .split(" ")[0];
    String expected =
        ExternalTool.run(60, "sha256sum", image.toString()).ok().stdout().split(" ")[0];
    assertEquals(expected, sum);
  }

  @Test
  void snapshotsAreReadOnlyFilesOfTheirTime() throws Exception {
    namespace.volumes().create("vm", VolumeSpec.ofSize(1 << 20));
    Files.write(pool.resolve("vm"), TestData.random(1, 1 << 20));
    namespace.volumes().snapshot("vm", "s1");
    Files.write(pool.resolve("vm"), TestData.random(2, 1 << 20));
    Path snap = pool.resolve(".snapshots/vm/s1");
    assertArrayEquals(TestData.random(1, 1 << 20), Files.readAllBytes(snap));
    var write =
        ExternalTool.run(
            30,
            "dd",
            "if=/dev/zero",
            "of=" + snap,
            "bs=4k",
            "count=1",
            "conv=notrunc",
            "status=none");
    assertNotEquals(0, write.exit());
    assertTrue(
        write.stderr().contains("Read-only file system")
            || write.stderr().contains("Permission denied"),
        write.stderr());
  }

  @Test
  void sparseCopiesStayHolesAndDfShowsThePool() throws Exception {
    Path sparse = dir.resolve("sparse.raw");
    ExternalTool.run(30, "truncate", "-s", "512M", sparse.toString()).ok();
    ExternalTool.run(
            30,
            "dd",
            "if=/dev/urandom",
            "of=" + sparse,
            "bs=1M",
            "seek=100",
            "count=1",
            "conv=notrunc",
            "status=none")
        .ok();
    ExternalTool.run(
            120, "cp", "--sparse=always", sparse.toString(), pool.resolve("thin").toString())
        .ok();
    ExternalTool.run(120, "cmp", sparse.toString(), pool.resolve("thin").toString()).ok();
    long blocks =
        Long.parseLong(
            ExternalTool.run(30, "stat", "-c", "%b", pool.resolve("thin").toString())
                .ok()
                .stdout()
                .trim());
    assertTrue(
        blocks * 512 <= 2L << 20, "a 512 MiB file with 1 MiB of data allocates " + blocks * 512);

    String df =
        ExternalTool.run(30, "df", "-B1", "--output=size,avail", pool.toString()).ok().stdout();
    String[] cols = df.lines().skip(1).findFirst().orElseThrow().trim().split("\\s+");
    var space = namespace.space(TestNamespace.POOL);
    assertTrue(Math.abs(Long.parseLong(cols[0]) - space.capacityBytes()) < (1L << 20), df);

    ExternalTool.run(30, "truncate", "-s", "101M", pool.resolve("thin").toString()).ok();
    assertEquals(101L << 20, namespace.volumes().info("thin").size(), "truncate shrinks");
    assertEquals(101L << 20, Files.size(pool.resolve("thin")));
  }

  private static List<String> list(Path p) throws Exception {
    try (var s = Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
