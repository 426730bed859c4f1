package io.granary.appliance.cli;

/**
 * A failure the daemon reported, by its HTTP status, or the failure to reach it. The exit code
 * follows the status: 2 for a request the daemon found invalid (400, bad usage), 1 otherwise.
 */
public final class ApiError extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int NOT_ANSWERED = 0;
  private final int status;

  public ApiError(int status, String detail) {
    super(detail);
    this.status = status;
  }

  /** A call that got no answer from the daemon. */
  static ApiError unanswered(String detail) {
    return new ApiError(NOT_ANSWERED, detail);
  }

  int exitCode() {
    return status == 400 ? 2 : 1;
  }
}
