package io.granary.snapshots.api;

import java.util.regex.Pattern;

/**
 * The naming rules (DESIGN.md). Pools and volumes: 1 to 128 characters of
 * {@code A-Z a-z 0-9 . _ -}, not starting with {@code .} or {@code -}. Snapshots may also hold
 * {@code :} (not first), as ZFS allows, so that automatic snapshots can carry a time:
 * {@code auto-2026-11-24T10:00Z}.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}");

  private Names() {}

  /** Whether {@code name} is a valid pool, volume or profile name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Whether {@code name} is a valid snapshot name: the general rule, plus {@code :}. */
  public static boolean isValidSnapshot(String name) {
    return name != null && SNAPSHOT.matcher(name).matches();
  }

  /** The rule for a {@code what} ("snapshot", or "pool", "volume", "profile"), in words. */
  private static String rule(String what) {
    return "snapshot".equals(what)
        ? "use 1 to 128 of A-Z a-z 0-9 . _ - :, not starting with . - or :"
        : "use 1 to 128 of A-Z a-z 0-9 . _ -, not starting with . or -";
  }

  /** The message for a {@code what} name that breaks its rule. */
  public static String invalid(String what, String name) {
    return "invalid " + what + " name '" + name + "': " + rule(what);
  }

  /** The message for a {@code what} name, part of {@code whole}, that breaks its rule. */
  static String invalid(String what, String name, String whole) {
    return "invalid " + what + " name '" + name + "' in '" + whole + "': " + rule(what);
  }

  /**
   * Returns {@code name} if it follows the rule of pools and volumes.
   *
   * @param what "volume", "pool" or "profile", for the message
   */
  public static String check(String what, String name) throws InvalidNameException {
    if (!isValid(name)) {
      throw new InvalidNameException(invalid(what, name));
    }
    return name;
  }

  /** Returns {@code name} if it follows the rule of snapshots. */
  public static String checkSnapshot(String name) throws InvalidNameException {
    if (!isValidSnapshot(name)) {
      throw new InvalidNameException(invalid("snapshot", name));
    }
    return name;
  }
}
