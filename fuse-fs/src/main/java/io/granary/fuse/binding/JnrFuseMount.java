package io.granary.fuse.binding;

import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.MountConfig;
import io.granary.fuse.fs.VolumeFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A jnr-fuse mount (libfuse 2). The loop is libfuse's multithreaded one, so a volume that
 * stalls holds only its own requests (SlowVolumeIT; the single-threaded {@code -s} loop stalls
 * every volume behind it). Measured here it is also faster than {@code -s} with these options
 * (BENCHMARKS.md), and the JVM's thread count stays flat. {@code direct_io} keeps the kernel's
 * page cache out, so what NBD writes is read at once; {@code auto_unmount} removes the mount
 * even after kill -9.
 */
public final class JnrFuseMount implements FuseMount {
  private static final Logger LOG = Logger.getLogger(JnrFuseMount.class.getName());

  private final JnrFuseAdapter adapter;
  private final Path mountPoint;
  private final Thread loop;

  private JnrFuseMount(JnrFuseAdapter adapter, Path mountPoint, Thread loop) {
    this.adapter = adapter;
    this.mountPoint = mountPoint;
    this.loop = loop;
  }

  /** Mounts on a thread of its own and returns once the kernel shows the mount. */
  public static FuseMount mount(MountConfig config, VolumeFileSystem fs) throws IOException {
    Path point = config.mountPoint().toAbsolutePath();
    Files.createDirectories(point);
    StaleMounts.clear(point);
    List<String> options =
        new ArrayList<>(
            List.of(
                "-o",
                "fsname=granary,subtype=granary,big_writes,direct_io,auto_unmount,max_read=131072,max_write=131072"
                    + (config.allowOther() ? ",allow_other,default_permissions" : "")));
    JnrFuseAdapter adapter = new JnrFuseAdapter(fs);
    Throwable[] failure = new Throwable[1];
    Thread loop =
        new Thread(
            () -> {
              try {
                adapter.mount(point, true, false, options.toArray(String[]::new));
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "fuse-loop");
    loop.setDaemon(true);
    loop.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!StaleMounts.isMounted(point)) {
      if (!loop.isAlive() || System.nanoTime() > deadline) {
        adapter.umount();
        throw new IOException(
            "cannot mount the FUSE namespace at "
                + point
                + (failure[0] == null ? "" : ": " + failure[0].getMessage()));
      }
      sleep(20);
    }
    LOG.info("volumes mounted as files at " + point);
    return new JnrFuseMount(adapter, point, loop);
  }

  @Override
  public Path mountPoint() {
    return mountPoint;
  }

  @Override
  public void close() {
    adapter.umount();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (StaleMounts.isMounted(mountPoint)) {
      LOG.warning("the FUSE mount at " + mountPoint + " is still there after unmounting");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
