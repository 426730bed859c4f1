package io.granary.appliance.cli;

import io.granary.appliance.problem.Problem;

/** A failure the daemon reported (or the failure to reach it), with its kind. */
public final class ApiError extends Exception {
  private static final long serialVersionUID = 1L;
  private final Problem problem;

  public ApiError(Problem problem, String detail) {
    super(detail);
    this.problem = problem;
  }

  Problem problem() {
    return problem;
  }
}
