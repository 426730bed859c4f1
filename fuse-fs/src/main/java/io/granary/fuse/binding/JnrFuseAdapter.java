package io.granary.fuse.binding;

import io.granary.fuse.api.PoolSpace;
import io.granary.fuse.fs.Attributes;
import io.granary.fuse.fs.Errno;
import io.granary.fuse.fs.Errnos;
import io.granary.fuse.fs.FsException;
import io.granary.fuse.fs.VolumeFileSystem;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * jnr-fuse's callbacks onto {@link VolumeFileSystem}. Every callback catches everything and
 * answers an errno: a request never goes unanswered and never takes the mount down.
 */
final class JnrFuseAdapter extends FuseStubFS {
  private static final Logger LOG = Logger.getLogger(JnrFuseAdapter.class.getName());
  private static final int O_ACCMODE = 3;
  private static final int O_RDONLY = 0;

  /** Block size reported to statfs and stat; st_blocks is always in 512-byte units. */
  private static final int BLOCK = 4096;

  private final VolumeFileSystem fs;

  /** One transfer buffer per loop thread, so requests do not allocate. */
  private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[128 << 10]);

  JnrFuseAdapter(VolumeFileSystem fs) {
    this.fs = fs;
  }

  /** One callback's body; its result is 0 or a byte count. */
  private interface Call {
    int run() throws Exception;
  }

  private int call(String what, String path, Call body) {
    try {
      return body.run();
    } catch (Throwable t) {
      Errno e = Errnos.of(t);
      if (e == Errno.EIO) {
        LOG.log(Level.WARNING, what + " " + path + " failed", t);
      } else {
        LOG.fine(() -> what + " " + path + ": " + e + " " + t.getMessage());
      }
      return -e.code();
    }
  }

  @Override
  public int getattr(String path, FileStat stat) {
    return call(
        "getattr",
        path,
        () -> {
          Attributes a = fs.attributes(path);
          time(stat.st_mtim, a.modified());
          time(stat.st_ctim, a.modified());
          time(stat.st_atim, a.modified());
          if (a.directory()) {
            stat.st_mode.set(FileStat.S_IFDIR | 0755);
            stat.st_nlink.set(2);
          } else {
            stat.st_mode.set(FileStat.S_IFREG | (a.readOnly() ? 0444 : 0644));
            stat.st_nlink.set(1);
            stat.st_size.set(a.size());
            stat.st_blocks.set((a.allocatedBytes() + 511) / 512);
            stat.st_blksize.set(BLOCK);
          }
          stat.st_uid.set(getContext().uid.get());
          stat.st_gid.set(getContext().gid.get());
          return 0;
        });
  }

  private static void time(ru.serce.jnrfuse.struct.Timespec t, Instant when) {
    if (when != null) {
      t.tv_sec.set(when.getEpochSecond());
      t.tv_nsec.set(when.getNano());
    }
  }

  @Override
  public int readdir(
      String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
    return call(
        "readdir",
        path,
        () -> {
          filler.apply(buf, ".", null, 0);
          filler.apply(buf, "..", null, 0);
          for (String name : fs.list(path)) {
            filler.apply(buf, name, null, 0);
          }
          return 0;
        });
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return call(
        "open",
        path,
        () -> {
          boolean write = (fi.flags.get() & O_ACCMODE) != O_RDONLY;
          fi.fh.set(fs.open(path, write));
          return 0;
        });
  }

  @Override
  public int create(String path, @mode_t long mode, FuseFileInfo fi) {
    return call(
        "create",
        path,
        () -> {
          fi.fh.set(fs.create(path));
          return 0;
        });
  }

  @Override
  public int read(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return call(
        "read",
        path,
        () -> {
          byte[] data = buffer((int) size);
          int n = fs.read(fi.fh.get(), offset, data, (int) size);
          buf.put(0, data, 0, n);
          return n;
        });
  }

  @Override
  public int write(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return call(
        "write",
        path,
        () -> {
          byte[] data = buffer((int) size);
          buf.get(0, data, 0, (int) size);
          fs.write(fi.fh.get(), offset, data, (int) size);
          return (int) size;
        });
  }

  private byte[] buffer(int size) {
    byte[] b = buffers.get();
    if (b.length < size) {
      b = new byte[size];
      buffers.set(b);
    }
    return b;
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    return call(
        "fsync",
        path,
        () -> {
          fs.fsync(fi.fh.get());
          return 0;
        });
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return call(
        "flush",
        path,
        () -> {
          fs.flush(fi.fh.get());
          return 0;
        });
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return call(
        "release",
        path,
        () -> {
          fs.release(fi.fh.get());
          return 0;
        });
  }

  @Override
  public int truncate(String path, @off_t long size) {
    return call(
        "truncate",
        path,
        () -> {
          fs.truncate(path, size);
          return 0;
        });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int unlink(String path) {
    return call(
        "unlink",
        path,
        () -> {
          fs.unlink(path);
          return 0;
        });
  }

  @Override
  public int rename(String from, String to) {
    return call(
        "rename",
        from,
        () -> {
          fs.rename(from, to);
          return 0;
        });
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    return call(
        "mkdir",
        path,
        () -> {
          throw new FsException(
              Errno.EPERM, "pools are made with 'granary pool create', not mkdir");
        });
  }

  @Override
  public int utimens(String path, ru.serce.jnrfuse.struct.Timespec[] timespec) {
    // touch(1) on a volume: times are the volume's own, so there is nothing to set.
    return call(
        "utimens",
        path,
        () -> {
          fs.attributes(path);
          return 0;
        });
  }

  @Override
  public int statfs(String path, Statvfs stat) {
    return call(
        "statfs",
        path,
        () -> {
          PoolSpace s = fs.statfs(path);
          stat.f_bsize.set(BLOCK);
          stat.f_frsize.set(BLOCK);
          stat.f_blocks.set(s.capacityBytes() / BLOCK);
          stat.f_bfree.set(s.freeBytes() / BLOCK);
          stat.f_bavail.set(s.freeBytes() / BLOCK);
          stat.f_namemax.set(128);
          return 0;
        });
  }
}
