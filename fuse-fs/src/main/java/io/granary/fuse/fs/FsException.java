package io.granary.fuse.fs;

import java.io.IOException;

/** A file system operation refused or failed, with the errno the caller gets. */
public final class FsException extends IOException {
  private static final long serialVersionUID = 1L;
  private final Errno errno;

  public FsException(Errno errno, String message) {
    super(message);
    this.errno = errno;
  }

  public FsException(Errno errno, String message, Throwable cause) {
    super(message, cause);
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }
}
