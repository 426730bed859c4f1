package io.granary.appliance.units;

import java.time.Duration;
import java.util.Locale;

/** Durations as users write them: a whole number and a unit, {@code 500ms 30s 15m 2h 7d 4w}. */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    int unit = 0;
    while (unit < v.length() && Character.isDigit(v.charAt(unit))) {
      unit++;
    }
    if (unit == 0 || unit == v.length()) {
      throw invalid(text);
    }
    long n;
    try {
      n = Long.parseLong(v.substring(0, unit));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    return switch (v.substring(unit)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "w" -> Duration.ofDays(7 * n);
      default -> throw invalid(text);
    };
  }

  /** The shortest exact form: {@code 90m} stays {@code 90m}, {@code 120m} becomes {@code 2h}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0 || s == 0) {
      return d.toMillis() + "ms";
    }
    long[] sizes = {7 * 86400, 86400, 3600, 60, 1};
    String[] units = {"w", "d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (s % sizes[i] == 0) {
        return s / sizes[i] + units[i];
      }
    }
    return s + "s";
  }

  /** An age as people read it: its two largest units, {@code 42s}, {@code 4m 12s}, {@code 3d 4h}. */
  public static String age(long seconds) {
    long[] sizes = {86400, 3600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length - 1; i++) {
      if (seconds >= sizes[i]) {
        long rest = seconds % sizes[i] / sizes[i + 1];
        return seconds / sizes[i] + units[i] + (rest == 0 ? "" : " " + rest + units[i + 1]);
      }
    }
    return Math.max(0, seconds) + "s";
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text.trim() + "' is not a duration (examples: 500ms, 30s, 15m, 2h, 7d, 4w)");
  }
}
