package io.granary.fuse.binding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Reads the mount table, and clears a dead FUSE mount a crash left at the mount point. */
final class StaleMounts {
  private static final Logger LOG = Logger.getLogger(StaleMounts.class.getName());

  private StaleMounts() {}

  static boolean isMounted(Path point) {
    // mountinfo field 5 is the mount point (spaces escaped as \040); "- fuse" marks FUSE.
    String target = point.toAbsolutePath().toString().replace(" ", "\\040");
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].equals(target) && line.contains(" - fuse")) {
          return true;
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot read the mount table: " + e.getMessage());
    }
    return false;
  }

  /** A mount left by a killed daemon answers ENOTCONN: unmount it lazily before mounting. */
  static void clear(Path point) {
    if (!isMounted(point)) {
      return;
    }
    LOG.warning("a stale FUSE mount is at " + point + ": unmounting it");
    try {
      Process p =
          new ProcessBuilder("fusermount", "-u", "-z", point.toString())
              .redirectErrorStream(true)
              .start();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.warning("cannot run fusermount: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
