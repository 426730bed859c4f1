package io.granary.fuse.fs;

import io.granary.snapshots.api.OverProvisionedException;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files that writes past their end are growing. A resize is a flush and a catalog commit, so
 * a volume grows ahead in large steps while the file's own size, the end of the furthest
 * write, is kept here; the volume is cut back to it at fsync and when the last writer lets
 * go. A crash in between leaves the volume longer, its tail reading as zeroes. Near the pool's
 * provisioning limit a step that does not fit becomes a growth to the write's end.
 */
final class Growth {
  /** Steps of at least this much, or the size so far, whichever is larger (up to 1 GiB). */
  private static final long MIN_STEP = 64L << 20;

  private static final long MAX_STEP = 1L << 30;

  private final ConcurrentHashMap<String, Long> fileSizes = new ConcurrentHashMap<>();

  /** The size the file shows, or {@code volumeSize} when it is not growing. */
  long fileSize(String key, long volumeSize) {
    Long s = fileSizes.get(key);
    return s == null ? volumeSize : s;
  }

  /** Makes room for a write ending at {@code end} and records the file's new size. */
  void beforeWrite(String key, Volume v, long end) throws IOException {
    synchronized (this) {
      long file = fileSize(key, v.size());
      if (end <= file) {
        return;
      }
      if (end > v.size()) {
        long step = Math.min(MAX_STEP, Math.max(MIN_STEP, v.size()));
        long ahead = Math.max(end, v.size() + step);
        try {
          v.resize(ahead);
        } catch (OverProvisionedException e) {
          if (ahead == end) {
            throw e; // ENOSPC
          }
          // The pool's provisioning limit has no room for a step: grow by what the write needs
          // (refused in turn, ENOSPC, when even that does not fit).
          v.resize(end);
        }
      }
      fileSizes.put(key, end);
    }
  }

  /** Drops what is known of a file that is deleted or renamed. */
  void forget(String key) {
    fileSizes.remove(key);
  }

  /** Cuts the volume back to the file's size (fsync, last close). */
  void settle(String key, Volume v) throws IOException {
    synchronized (this) {
      Long file = fileSizes.remove(key);
      if (file != null && file != v.size()) {
        v.resize(file);
      }
    }
  }
}
