package io.granary.appliance.admin;

import io.granary.appliance.remote.RemoteException;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.api.VolumeException;

/**
 * The kinds of failure the admin API reports ({@code docs/api.md}), each with its HTTP status
 * and problem type URI, and {@link #of} the one table that gives any failure its kind. Domain
 * code throws domain exceptions ({@link VolumeException} by its kind); only this layer knows
 * statuses.
 */
public enum Problem {
  INVALID(400, "invalid"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not-found"),
  EXISTS(409, "exists"),
  BUSY(409, "busy"),
  READ_ONLY(409, "read-only"),
  REFUSED(422, "refused"),
  NO_SPACE(507, "no-space"),
  /** A remote appliance could not be reached, presented another certificate or refused. */
  REMOTE(502, "remote"),
  FAILED(500, "failed");

  private static final String TYPE_PREFIX = "https://granary.io/problems/";

  private final int status;
  private final String slug;

  Problem(int status, String slug) {
    this.status = status;
    this.slug = slug;
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  /** What a failure says to the caller: its message, or its type when it has none. */
  public static String detail(Throwable t) {
    if (t instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
      // the JDK's file errors say only the path; say what happened to it
      String what =
          t instanceof java.nio.file.NoSuchFileException
              ? " is missing"
              : t instanceof java.nio.file.AccessDeniedException
                  ? ": permission denied"
                  : t instanceof java.nio.file.FileAlreadyExistsException
                      ? " already exists"
                      : ": " + t.getClass().getSimpleName();
      return f.getFile() + what;
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** The kind of any failure: this layer's own by theirs, volume errors by their kind. */
  public static Problem of(Throwable t) {
    if (t instanceof ProblemException p) {
      return p.problem();
    }
    if (t instanceof StreamRefusedException) {
      return REFUSED; // bad data, not bad usage
    }
    if (t instanceof VolumeException v) {
      return switch (v.kind()) {
        case NOT_FOUND -> NOT_FOUND;
        case EXISTS -> EXISTS;
        case INVALID, OUT_OF_RANGE -> INVALID;
        case NOT_ALLOWED -> FORBIDDEN;
        case READ_ONLY -> READ_ONLY;
        case NO_SPACE, OVER_PROVISIONED -> NO_SPACE;
        case BUSY -> BUSY;
        case CORRUPT, CLOSED, IO -> FAILED;
      };
    }
    if (t instanceof RemoteException r) {
      return switch (r.kind()) {
        case NOT_FOUND -> NOT_FOUND;
        case EXISTS -> EXISTS;
        case UNREACHABLE, CERTIFICATE_CHANGED, TOKEN_REFUSED, REFUSED -> REMOTE;
      };
    }
    if (t instanceof IllegalArgumentException) {
      return INVALID;
    }
    return FAILED;
  }
}
