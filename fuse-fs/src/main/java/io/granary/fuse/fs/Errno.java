package io.granary.fuse.fs;

/** The errno values this file system answers with (Linux numbers). */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  EIO(5),
  EBADF(9),
  EACCES(13),
  EBUSY(16),
  EEXIST(17),
  EXDEV(18),
  ENOTDIR(20),
  EISDIR(21),
  EINVAL(22),
  EFBIG(27),
  ENOSPC(28),
  EROFS(30),
  ENOTEMPTY(39),
  EOPNOTSUPP(95);

  private final int code;

  Errno(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
