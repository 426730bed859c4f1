package io.granary.appliance.frontend;

import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.FuseMounts;
import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.MountConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Mounts the namespace of volumes as files where the configuration says. A box without a
 * usable {@code /dev/fuse} still serves NBD: the mount is then skipped with a warning.
 */
public final class FuseFrontEnd {
  private static final Logger LOG = Logger.getLogger(FuseFrontEnd.class.getName());
  private static final long CAP_SYS_ADMIN = 1L << 21;

  private FuseFrontEnd() {}

  /** The mount, or {@code null} when it is off or cannot be made here. */
  public static FuseMount start(Path mountPoint, FuseNamespace namespace) {
    if (mountPoint == null) {
      return null;
    }
    if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
      LOG.warning(
          "not mounting volumes as files at "
              + mountPoint
              + ": /dev/fuse is missing or not usable by this user");
      return null;
    }
    try {
      return FuseMounts.mount(new MountConfig(mountPoint, false), namespace);
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warning(
          "not mounting volumes as files at "
              + mountPoint
              + ": "
              + e.getMessage()
              + " ("
              + hint()
              + ")");
      return null;
    }
  }

  /** The likelier cause: a missing capability (a cut-down unit) or a missing library. */
  private static String hint() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")
            && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & CAP_SYS_ADMIN) == 0
            && "root".equals(System.getProperty("user.name"))) {
          return "granaryd runs without CAP_SYS_ADMIN, which mounting FUSE needs: check "
              + "CapabilityBoundingSet= of granaryd.service";
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: fall through to the library hint.
    }
    return "is libfuse2 installed? apt-get install libfuse2 fuse3";
  }
}
