package io.granary.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for full-disk tests: a size-limited tmpfs mounted on a test
 * directory (root only; skipped elsewhere, failed in CI). {@link #close} unmounts it, lazily,
 * so a file left open cannot keep it mounted.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;
  private boolean mounted;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code bytes} (a multiple of 4 KiB) on {@code mountPoint}. */
  public static Tmpfs mount(Path mountPoint, long bytes) throws Exception {
    Requirements.require(Requirements.isRoot(), "root (to mount a small tmpfs)");
    Files.createDirectories(mountPoint);
    Tmpfs fs = new Tmpfs(mountPoint);
    run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
    fs.mounted = true;
    return fs;
  }

  public Path path() {
    return mountPoint;
  }

  /** Bytes still free, as df reports them. */
  public long available() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  /** Changes the size while mounted: more room, or less. */
  public void resize(long bytes) throws Exception {
    run("mount", "-o", "remount,size=" + bytes, mountPoint.toString());
  }

  /**
   * Takes every free byte into {@code file}, as another program filling the disk would, and
   * returns how many it took. The file system is then full to the last page.
   */
  public long fillUp(Path file) throws IOException {
    long taken = 0;
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int chunk = 1 << 20; chunk >= 4096; chunk /= 4) {
        ByteBuffer b = ByteBuffer.allocate(chunk);
        while (true) {
          b.clear();
          try {
            taken += ch.write(b);
          } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
              throw e;
            }
            break;
          }
        }
      }
    }
    return taken;
  }

  @Override
  public void close() throws Exception {
    if (mounted) {
      run("umount", "-l", mountPoint.toString());
      mounted = false;
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed");
    }
  }
}
