package io.granary.appliance.problem;

import io.granary.snapshots.api.VolumeException;
import java.io.IOException;

/** A failure with its {@link Problem} kind and a message a person can act on. */
public final class ProblemException extends IOException {
  private static final long serialVersionUID = 1L;
  private final Problem problem;

  public ProblemException(Problem problem, String detail) {
    super(detail);
    this.problem = problem;
  }

  public ProblemException(Problem problem, String detail, Throwable cause) {
    super(detail, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  /** The kind of any failure: volume errors by their kind, bad arguments as invalid. */
  public static Problem kindOf(Throwable t) {
    if (t instanceof ProblemException p) {
      return p.problem;
    }
    if (t instanceof VolumeException v) {
      return switch (v.kind()) {
        case NOT_FOUND -> Problem.NOT_FOUND;
        case EXISTS -> Problem.EXISTS;
        case INVALID, OUT_OF_RANGE -> Problem.INVALID;
        case READ_ONLY -> Problem.READ_ONLY;
        case NO_SPACE, OVER_PROVISIONED -> Problem.NO_SPACE;
        case BUSY -> Problem.BUSY;
        default -> Problem.FAILED;
      };
    }
    if (t instanceof IllegalArgumentException) {
      return Problem.INVALID;
    }
    return Problem.FAILED;
  }
}
