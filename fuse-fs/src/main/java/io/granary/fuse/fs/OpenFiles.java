package io.granary.fuse.fs;

import io.granary.snapshots.api.Volume;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The volume handles behind open file descriptors, by FUSE file handle number. */
final class OpenFiles {
  /** One open file: its key ({@code POOL/VOLUME}), volume handle, and whether it may write. */
  record OpenFile(String key, Volume volume, boolean writable) {}

  private final ConcurrentHashMap<Long, OpenFile> open = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);

  long add(String key, Volume volume, boolean writable) {
    long fh = next.getAndIncrement();
    open.put(fh, new OpenFile(key, volume, writable));
    return fh;
  }

  /** Whether another open file still writes to {@code key}. */
  boolean writing(String key) {
    return open.values().stream().anyMatch(f -> f.writable() && f.key().equals(key));
  }

  OpenFile get(long fh) throws FsException {
    OpenFile f = open.get(fh);
    if (f == null) {
      throw new FsException(Errno.EBADF, "no open file " + fh);
    }
    return f;
  }

  OpenFile remove(long fh) {
    return open.remove(fh);
  }

  int size() {
    return open.size();
  }
}
