package io.granary.appliance.pool;

import java.util.Locale;

/** How full a pool is against its thresholds; the metric's value is the ordinal's code. */
public enum AlertLevel {
  OK(0),
  WARNING(1),
  CRITICAL(2),
  FULL(3);

  private final int code;

  AlertLevel(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level of {@code used} stored bytes in a pool of {@code capacity} bytes. */
  public static AlertLevel of(long used, long capacity, int warnPercent, int criticalPercent) {
    if (capacity <= 0 || used >= capacity) {
      return FULL;
    }
    double percent = 100.0 * used / capacity;
    return percent >= criticalPercent ? CRITICAL : percent >= warnPercent ? WARNING : OK;
  }
}
