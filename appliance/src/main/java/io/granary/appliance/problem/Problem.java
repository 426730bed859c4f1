package io.granary.appliance.problem;

/**
 * The kinds of failure the admin API reports ({@code docs/api.md}): each has its HTTP status,
 * its problem type URI and the CLI exit code it becomes.
 */
public enum Problem {
  INVALID(400, "invalid", 2),
  FORBIDDEN(403, "forbidden", 1),
  NOT_FOUND(404, "not-found", 1),
  EXISTS(409, "exists", 1),
  BUSY(409, "busy", 1),
  READ_ONLY(409, "read-only", 1),
  NO_SPACE(507, "no-space", 1),
  FAILED(500, "failed", 1);

  public static final String TYPE_PREFIX = "https://granary.io/problems/";

  private final int status;
  private final String slug;
  private final int exitCode;

  Problem(int status, String slug, int exitCode) {
    this.status = status;
    this.slug = slug;
    this.exitCode = exitCode;
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The kind named by a problem type URI; {@link #FAILED} for types this version does not know. */
  public static Problem fromType(String type) {
    for (Problem p : values()) {
      if (p.type().equals(type)) {
        return p;
      }
    }
    return FAILED;
  }
}
