package io.granary.appliance.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Numbers with a fixed count of decimals, as {@code String.format(Locale.ROOT, "%.1f", v)} prints
 * them, without a Formatter: its first use loads the JDK's locale data, a tenth of a simple CLI
 * call such as {@code granary volume list}.
 */
public final class Decimals {
  private Decimals() {}

  /** {@code value} rounded half up to {@code places} decimals: 12.35 is "12.4" with one. */
  public static String fixed(double value, int places) {
    if (!Double.isFinite(value)) {
      return String.format(Locale.ROOT, "%." + places + "f", value); // NaN, Infinity
    }
    String s = BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).toPlainString();
    // A BigDecimal zero has no sign; the Formatter prints -0.04 with one decimal as -0.0.
    return Math.copySign(1, value) < 0 && !s.startsWith("-") ? "-" + s : s;
  }
}
