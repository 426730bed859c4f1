package io.granary.nbd.fuzz;

/** The fuzz tests' one assertion: a finding is an {@link AssertionError} with what was wrong. */
final class Checks {
  private Checks() {}

  static void check(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }
}
