package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qemu-img and mkfs/e2fsck on volume files, as an administrator would use them. */
class AdminToolsIT {
  @TempDir Path dir;
  private MountedPool mounted;
  private TestNamespace namespace;
  private Path pool;

  @BeforeEach
  void mount() throws Exception {
    mounted = MountedPool.open(dir, "qemu-img", "mkfs.ext4", "e2fsck");
    namespace = mounted.namespace;
    pool = mounted.pool;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.close();
    }
  }

  @Test
  void qemuImgCreatesInspectsAndConvertsBothWays() throws Exception {
    ExternalTool.run(60, "qemu-img", "create", "-f", "raw", pool.resolve("made").toString(), "64M")
        .ok();
    assertEquals(64L << 20, namespace.volumes().info("made").size());
    String info =
        ExternalTool.run(60, "qemu-img", "info", pool.resolve("made").toString()).ok().stdout();
    assertTrue(info.contains("virtual size: 64 MiB"), info);

    Path image = dir.resolve("in.raw");
    Files.write(image, TestData.random(3, 8 << 20));
    ExternalTool.run(
            120,
            "qemu-img",
            "convert",
            "-f",
            "raw",
            "-O",
            "raw",
            image.toString(),
            pool.resolve("converted").toString())
        .ok();
    Path out = dir.resolve("out.qcow2");
    ExternalTool.run(
            120,
            "qemu-img",
            "convert",
            "-f",
            "raw",
            "-O",
            "qcow2",
            pool.resolve("converted").toString(),
            out.toString())
        .ok();
    ExternalTool.run(
            120,
            "qemu-img",
            "compare",
            "-f",
            "raw",
            "-F",
            "qcow2",
            image.toString(),
            out.toString())
        .ok();
  }

  @Test
  void anExt4MadeOnAVolumeFileChecksClean() throws Exception {
    ExternalTool.run(30, "truncate", "-s", "128M", pool.resolve("fs").toString()).ok();
    ExternalTool.run(120, "mkfs.ext4", "-q", "-F", pool.resolve("fs").toString()).ok();
    var check = ExternalTool.run(120, "e2fsck", "-fn", pool.resolve("fs").toString());
    assertEquals(0, check.exit(), check.stdout() + check.stderr());
  }
}
