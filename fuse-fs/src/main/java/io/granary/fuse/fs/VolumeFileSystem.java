package io.granary.fuse.fs;

import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.PoolSpace;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace of volumes as files, independent of the FUSE binding: {@code POOL/VOLUME}
 * files over the same volume objects NBD uses, and read-only
 * {@code POOL/.snapshots/VOLUME/SNAP} files. Every failure is an {@link FsException} or a
 * volume exception that {@link Errnos} maps.
 */
public final class VolumeFileSystem {
  private final FuseNamespace namespace;
  private final OpenFiles files = new OpenFiles();
  private final Growth growth = new Growth();

  /** Directories have no times of their own: they show when the namespace was mounted. */
  private final Instant mounted = Instant.now();

  public VolumeFileSystem(FuseNamespace namespace) {
    this.namespace = namespace;
  }

  public Attributes attributes(String path) throws IOException {
    FsPath p = FsPath.parse(path);
    switch (p.kind()) {
      case ROOT -> {
        return directory();
      }
      case POOL, SNAPSHOTS -> {
        store(p.pool());
        return directory();
      }
      case SNAPSHOT_DIR -> {
        store(p.pool()).info(p.volume());
        return directory();
      }
      case VOLUME -> {
        VolumeStore store = store(p.pool());
        VolumeInfo v = store.info(p.volume());
        return new Attributes(
            false,
            growth.fileSize(key(p), v.size()),
            allocated(store, p.volume(), null),
            store.readOnly(),
            v.created(),
            v.modified());
      }
      case SNAPSHOT -> {
        SnapshotInfo s = snapshot(p);
        return new Attributes(
            false,
            s.size(),
            allocated(store(p.pool()), p.volume(), p.snapshot()),
            true,
            s.created(),
            s.created());
      }
      default -> throw new FsException(Errno.ENOENT, "not a path of this namespace: " + path);
    }
  }

  public List<String> list(String path) throws IOException {
    FsPath p = FsPath.parse(path);
    List<String> out = new ArrayList<>();
    switch (p.kind()) {
      case ROOT -> out.addAll(namespace.pools());
      case POOL -> {
        out.add(FsPath.SNAPSHOTS_DIR);
        store(p.pool()).list().forEach(v -> out.add(v.name()));
      }
      case SNAPSHOTS ->
          store(p.pool()).list().stream()
              .filter(v -> v.snapshots() > 0)
              .forEach(v -> out.add(v.name()));
      case SNAPSHOT_DIR -> store(p.pool()).snapshots(p.volume()).forEach(s -> out.add(s.name()));
      case VOLUME, SNAPSHOT -> throw new FsException(Errno.ENOTDIR, path + " is a volume file");
      default -> throw new FsException(Errno.ENOENT, "not a path of this namespace: " + path);
    }
    return out;
  }

  /** Opens a volume or snapshot file; returns the handle number. */
  public long open(String path, boolean write) throws IOException {
    FsPath p = FsPath.parse(path);
    if (p.kind() == FsPath.Kind.SNAPSHOT) {
      if (write) {
        throw new FsException(Errno.EROFS, "snapshots are read-only: " + path);
      }
      return files.add(
          key(p) + "@" + p.snapshot(),
          serve(p.pool(), store(p.pool()).openSnapshot(p.volume(), p.snapshot())),
          false);
    }
    if (p.kind() != FsPath.Kind.VOLUME) {
      throw new FsException(
          p.isDirectory() ? Errno.EISDIR : Errno.ENOENT, path + " is not a volume file");
    }
    VolumeStore store = store(p.pool());
    if (write && store.readOnly()) {
      throw new FsException(Errno.EROFS, "the pool is attached read-only: " + path);
    }
    return files.add(key(p), serve(p.pool(), store.open(p.volume())), write);
  }

  /** Creates a volume of size 0 with the pool's default profile and opens it for writing. */
  public long create(String path) throws IOException {
    FsPath p = FsPath.parse(path);
    if (p.kind() != FsPath.Kind.VOLUME) {
      throw new FsException(
          p.kind() == FsPath.Kind.SNAPSHOT ? Errno.EROFS : Errno.EPERM,
          "only volume files can be created, directly in a pool directory: " + path);
    }
    VolumeStore store = store(p.pool());
    store.create(p.volume(), namespace.newVolume(p.pool(), 0));
    return files.add(key(p), serve(p.pool(), store.open(p.volume())), true);
  }

  /** Reads up to {@code len} bytes; fewer at the end of the file, 0 past it. */
  public int read(long fh, long offset, byte[] dst, int len) throws IOException {
    OpenFiles.OpenFile f = files.get(fh);
    Volume v = f.volume();
    long size = growth.fileSize(f.key(), v.size());
    if (offset >= size) {
      return 0;
    }
    int n = (int) Math.min(len, size - offset);
    v.read(offset, dst, 0, n);
    return n;
  }

  /** Writes {@code len} bytes; a write past the end grows the volume, as a file grows. */
  public void write(long fh, long offset, byte[] src, int len) throws IOException {
    OpenFiles.OpenFile f = files.get(fh);
    if (!f.writable()) {
      throw new FsException(
          f.volume().readOnly() ? Errno.EROFS : Errno.EBADF, "not open for writing");
    }
    Volume v = f.volume();
    growth.beforeWrite(f.key(), v, offset + len);
    v.write(offset, src, 0, len, false);
  }

  /** The volume's flush, with a growing file's size made exact and durable first. */
  public void fsync(long fh) throws IOException {
    OpenFiles.OpenFile f = files.get(fh);
    growth.settle(f.key(), f.volume());
    f.volume().flush();
  }

  /**
   * Every close(2) of a descriptor: the file's size is made exact here, because the kernel
   * sends the release only after close has returned to the caller.
   */
  public void flush(long fh) throws IOException {
    OpenFiles.OpenFile f = files.get(fh);
    if (f.writable()) {
      growth.settle(f.key(), f.volume());
    }
  }

  public void release(long fh) throws IOException {
    OpenFiles.OpenFile f = files.remove(fh);
    if (f == null) {
      return;
    }
    try (Volume v = f.volume()) {
      if (f.writable() && !files.writing(f.key())) {
        growth.settle(f.key(), v);
      }
    }
  }

  public void truncate(String path, long size) throws IOException {
    FsPath p = FsPath.parse(path);
    if (p.kind() == FsPath.Kind.SNAPSHOT) {
      throw new FsException(Errno.EROFS, "snapshots are read-only: " + path);
    }
    if (p.kind() != FsPath.Kind.VOLUME) {
      throw new FsException(
          p.isDirectory() ? Errno.EISDIR : Errno.ENOENT, path + " is not a volume file");
    }
    if (size < 0) {
      throw new FsException(Errno.EINVAL, "negative size");
    }
    try (Volume v = store(p.pool()).open(p.volume())) {
      growth.settle(key(p), v);
      v.resize(size);
    }
  }

  /** Deletes a volume; refused with EBUSY while it is open (an NBD client, another file). */
  public void unlink(String path) throws IOException {
    FsPath p = FsPath.parse(path);
    if (p.kind() == FsPath.Kind.SNAPSHOT) {
      // An rm -r over the mount must not destroy history: snapshots go with 'granary snapshot
      // delete'.
      throw new FsException(Errno.EROFS, "snapshots are read-only: " + path);
    }
    if (p.kind() != FsPath.Kind.VOLUME) {
      throw new FsException(
          p.isDirectory() ? Errno.EISDIR : Errno.ENOENT, path + " is not a volume file");
    }
    store(p.pool()).delete(p.volume(), false);
    growth.forget(key(p));
  }

  /** Renames a volume within its pool. */
  public void rename(String from, String to) throws IOException {
    FsPath a = FsPath.parse(from);
    FsPath b = FsPath.parse(to);
    if (a.kind() != FsPath.Kind.VOLUME || b.kind() != FsPath.Kind.VOLUME) {
      throw new FsException(
          a.kind() == FsPath.Kind.SNAPSHOT || b.kind() == FsPath.Kind.SNAPSHOT
              ? Errno.EROFS
              : Errno.EPERM,
          "only volume files are renamed: " + from + " -> " + to);
    }
    if (!a.pool().equals(b.pool())) {
      throw new FsException(Errno.EXDEV, "a volume moves between pools by copy, not rename");
    }
    store(a.pool()).rename(a.volume(), b.volume());
    growth.forget(key(a));
  }

  public PoolSpace statfs(String path) throws IOException {
    FsPath p = FsPath.parse(path);
    if (p.pool() == null) {
      long capacity = 0;
      long free = 0;
      for (String pool : namespace.pools()) {
        PoolSpace s = namespace.space(pool);
        capacity += s.capacityBytes();
        free += s.freeBytes();
      }
      return new PoolSpace(capacity, free);
    }
    return namespace.space(p.pool());
  }

  private static String key(FsPath p) {
    return p.pool() + "/" + p.volume();
  }

  /** The handle an open file's I/O goes through; {@code volume} is closed if that fails. */
  private Volume serve(String pool, Volume volume) throws IOException {
    try {
      return namespace.serve(pool, volume);
    } catch (IOException | RuntimeException e) {
      volume.close();
      throw e;
    }
  }

  /** The pool's store; an unknown pool is the namespace's NoSuchVolumeException (ENOENT). */
  private VolumeStore store(String pool) throws IOException {
    return namespace.store(pool);
  }

  private SnapshotInfo snapshot(FsPath p) throws IOException {
    for (SnapshotInfo s : store(p.pool()).snapshots(p.volume())) {
      if (s.name().equals(p.snapshot())) {
        return s;
      }
    }
    throw new NoSuchVolumeException("no snapshot " + p.volume() + "@" + p.snapshot());
  }

  /** Bytes that hold data, from the volume's own map (for st_blocks). */
  private static long allocated(VolumeStore store, String volume, String snapshot)
      throws IOException {
    try (Volume v = snapshot == null ? store.open(volume) : store.openSnapshot(volume, snapshot)) {
      long n = 0;
      for (Extent e : v.blockStatus(0, v.size())) {
        n += e.allocated() ? e.length() : 0;
      }
      return n;
    }
  }

  private Attributes directory() {
    return new Attributes(true, 0, 0, false, mounted, mounted);
  }
}
