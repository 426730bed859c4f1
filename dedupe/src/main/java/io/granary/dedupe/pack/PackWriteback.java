package io.granary.dedupe.pack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;

/**
 * Starts the kernel writing a pack's newly appended bytes to the device while the writer goes
 * on: {@code sync_file_range(SYNC_FILE_RANGE_WRITE)}, which queues writeback of the range and
 * neither waits for it nor flushes the device's cache. Without it a pack's bytes reach the disk
 * only at the next fsync (the kernel's own flusher starts past {@code dirty_background_ratio},
 * gigabytes on a big machine), so that fsync has all of them to write while its caller waits.
 * Measured on a 1 GiB flush through the volume API: the page cache held at most 27 MiB of
 * dirty pages with it, up to 218 MiB without (/proc/meminfo); the flush took as long either
 * way here, because the store already commits, and so fsyncs its packs, every 16,384 chunks.
 * An fsync per sealed pack would start the writing too, but each one also flushes the device's
 * cache, which measurably slowed the FLUSHes waiting on the journal meanwhile.
 *
 * <p>A hint only: durability still comes from the commit's fsync, which also reports any error
 * of this writeback (the kernel keeps it for every descriptor open on the file). Hints are run
 * by one daemon thread per process, because the call may block while the device's queue is
 * full and must not hold up an append; when that thread is behind, new hints are dropped. A
 * hint opens the pack by its path, so it needs no descriptor of the writer and finds a pack
 * deleted meanwhile gone (and does nothing). Without libc (jnr-ffi cannot load it) every
 * hint does nothing.
 */
final class PackWriteback {
  private static final System.Logger LOG = System.getLogger(PackWriteback.class.getName());
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int SYNC_FILE_RANGE_WRITE = 2;

  /** Bytes appended to a pack between two hints. */
  static final long STEP = 8L << 20;

  /** The few libc calls this needs (public: jnr-ffi implements it in its own loader). */
  public interface LibC {
    int open(@In byte[] path, int flags);

    int sync_file_range(int fd, long offset, long nbytes, int flags);

    int close(int fd);
  }

  private static final PackWriteback SHARED = new PackWriteback(loadLibC());

  private final LibC libc;
  private final ThreadPoolExecutor thread;

  /** With {@code libc} (null for none); a test passes one that records the calls. */
  PackWriteback(LibC libc) {
    this.libc = libc;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256),
            r -> {
              Thread t = new Thread(r, "pack-writeback");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy());
  }

  static PackWriteback shared() {
    return SHARED;
  }

  /** Queues writeback of {@code [from, to)} of {@code pack}; returns at once. */
  void start(Path pack, long from, long to) {
    if (libc != null && to > from) {
      thread.execute(() -> writeBack(pack, from, to));
    }
  }

  /** Starts writeback now, on this thread: true if the kernel accepted it. */
  boolean writeBack(Path pack, long from, long to) {
    if (libc == null) {
      return false;
    }
    int fd = libc.open(nulTerminated(pack), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return false; // deleted by a collection meanwhile: nothing to write
    }
    try {
      return libc.sync_file_range(fd, from, to - from, SYNC_FILE_RANGE_WRITE) == 0;
    } finally {
      libc.close(fd);
    }
  }

  private static byte[] nulTerminated(Path p) {
    byte[] s = p.toString().getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[s.length + 1];
    System.arraycopy(s, 0, z, 0, s.length);
    return z;
  }

  private static LibC loadLibC() {
    try {
      return LibraryLoader.create(LibC.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "no early writeback of packs (libc not loaded: {0}); commits write them whole",
          e.toString());
      return null;
    }
  }
}
