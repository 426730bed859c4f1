package io.granary.fuse;

import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.FuseMounts;
import io.granary.fuse.api.MountConfig;
import io.granary.testing.ExternalTool;
import io.granary.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link TestNamespace} mounted under {@code dir/mnt}, for the tests that use the mount with
 * shell tools; skipped (failed in CI) without /dev/fuse or the named tools.
 */
final class MountedPool implements AutoCloseable {
  final TestNamespace namespace;
  final FuseMount mount;

  /** {@code MOUNT/test}: the pool's directory. */
  final Path pool;

  private MountedPool(TestNamespace namespace, FuseMount mount) {
    this.namespace = namespace;
    this.mount = mount;
    this.pool = mount.mountPoint().resolve(TestNamespace.POOL);
  }

  static MountedPool open(Path dir, String... tools) throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount");
    ExternalTool.require(tools);
    TestNamespace namespace = new TestNamespace(dir.resolve("pool"));
    try {
      return new MountedPool(
          namespace, FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), namespace));
    } catch (Exception e) {
      namespace.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      mount.close();
    } finally {
      namespace.close();
    }
  }
}
