package io.granary.snapshots.api;

import java.util.regex.Pattern;

/**
 * The naming rule for pools, volumes and snapshots (DESIGN.md): 1 to 128 characters of
 * {@code A-Z a-z 0-9 . _ -}, not starting with {@code .} or {@code -}.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Returns {@code name} if it follows the rule.
   *
   * @param what "volume", "snapshot" or "pool", for the message
   */
  public static String check(String what, String name) throws InvalidNameException {
    if (!isValid(name)) {
      throw new InvalidNameException("invalid " + what + " name '" + name + "': use 1 to 128 of"
          + " A-Z a-z 0-9 . _ -, not starting with . or -");
    }
    return name;
  }
}
