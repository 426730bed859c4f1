package io.granary.fuse.fs;

import io.granary.snapshots.api.VolumeException;

/** The one table from failures to errno. */
public final class Errnos {
  private Errnos() {}

  public static Errno of(Throwable failure) {
    if (failure instanceof FsException f) {
      return f.errno();
    }
    if (!(failure instanceof VolumeException v)) {
      return Errno.EIO;
    }
    return switch (v.kind()) {
      case NOT_FOUND -> Errno.ENOENT;
      case EXISTS -> Errno.EEXIST;
      case INVALID, OUT_OF_RANGE -> Errno.EINVAL;
      case NOT_ALLOWED -> Errno.EPERM;
      case READ_ONLY -> Errno.EROFS;
      case NO_SPACE, OVER_PROVISIONED -> Errno.ENOSPC;
      case BUSY -> Errno.EBUSY;
      case CORRUPT, IO, CLOSED -> Errno.EIO;
    };
  }
}
