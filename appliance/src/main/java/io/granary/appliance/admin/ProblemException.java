package io.granary.appliance.admin;

import java.io.IOException;

/**
 * A request the HTTP layer itself refuses (a bad body, an unknown route, a caller without
 * rights), with its {@link Problem}. Domain failures are not wrapped in it: {@link Problem#of}
 * maps them where they are answered.
 */
final class ProblemException extends IOException {
  private static final long serialVersionUID = 1L;
  private final Problem problem;

  ProblemException(Problem problem, String detail) {
    super(detail);
    this.problem = problem;
  }

  Problem problem() {
    return problem;
  }
}
