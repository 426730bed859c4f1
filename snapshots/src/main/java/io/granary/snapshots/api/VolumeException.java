package io.granary.snapshots.api;

import java.io.IOException;

/**
 * A failure of a volume operation (or of the pool and policy operations around volumes), by
 * {@link Kind}: each edge maps the kind once, to an errno (FUSE), an NBD error or an HTTP
 * status (the admin API), without knowing which layer raised it.
 */
public class VolumeException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for the errno and NBD error tables. */
  public enum Kind {
    /** The volume or snapshot does not exist (ENOENT). */
    NOT_FOUND,
    /** A volume or snapshot of that name exists (EEXIST). */
    EXISTS,
    /** A name breaks the naming rule, or an argument is invalid (EINVAL). */
    INVALID,
    /** An offset or length reaches past the end of the volume (EINVAL; ENOSPC for NBD writes). */
    OUT_OF_RANGE,
    /**
     * A rule refuses it: a service the pool does not allow, a file the caller may not name
     * (EPERM).
     */
    NOT_ALLOWED,
    /** A write to a snapshot or another read-only view (EROFS; EPERM for NBD). */
    READ_ONLY,
    /** The pool has no space left (ENOSPC). */
    NO_SPACE,
    /** Volume sizes would add up to more than the pool's provisioning limit (ENOSPC). */
    OVER_PROVISIONED,
    /** Stored data failed verification (EIO). */
    CORRUPT,
    /** The volume is in use and the operation needs it idle (EBUSY). */
    BUSY,
    /** The store was closed. */
    CLOSED,
    /** Any other failure of the medium (EIO). */
    IO
  }

  private final Kind kind;

  public VolumeException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public VolumeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
