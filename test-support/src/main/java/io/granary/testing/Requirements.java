package io.granary.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose outside requirement (root, a tool) is missing, except in CI: there
 * ({@code GRANARY_CI=1}) a missing requirement fails the test instead of silently skipping it.
 */
public final class Requirements {
  private Requirements() {}

  public static boolean inCi() {
    return "1".equals(System.getenv("GRANARY_CI"));
  }

  public static void require(boolean met, String what) {
    if (inCi() && !met) {
      throw new AssertionError("CI must provide " + what);
    }
    Assumptions.assumeTrue(met, "needs " + what);
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
