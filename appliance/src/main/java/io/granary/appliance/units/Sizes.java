package io.granary.appliance.units;

import java.util.Locale;

/**
 * Sizes as administrators write them: a number with an optional K, M, G or T suffix (powers of
 * 1024, as zfs, rbd and lvm read them), and the short human form the CLI prints.
 */
public final class Sizes {
  private Sizes() {}

  /** Parses {@code 10G}, {@code 512K}, {@code 1.5T}, {@code 4096}; rejects anything else. */
  public static long parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("B") && t.length() > 1 && Character.isLetter(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1); // 10GB, 10GiB
    }
    if (t.endsWith("I")) {
      t = t.substring(0, t.length() - 1);
    }
    int shift = 0;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        case 'P' -> shift = 50;
        default -> shift = 0;
      }
    }
    String number = shift == 0 ? t : t.substring(0, t.length() - 1);
    try {
      double v = Double.parseDouble(number);
      if (v < 0
          || Double.isNaN(v)
          || v * Math.pow(2, shift) > Long.MAX_VALUE
          || !number.matches("[0-9]+(\\.[0-9]+)?")) {
        throw new NumberFormatException();
      }
      return (long) Math.ceil(v * Math.pow(2, shift));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (examples: 4096, 512K, 10G, 2T)");
    }
  }

  /** {@code 10G}, {@code 1.5T}, {@code 512K}, {@code 100}: three significant digits at most. */
  public static String human(long bytes) {
    String[] units = {"", "K", "M", "G", "T", "P", "E"};
    double v = bytes;
    int u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    if (u == 0) {
      return Long.toString(bytes);
    }
    String n = Decimals.fixed(v, v >= 100 || v == Math.rint(v) ? 0 : v >= 10 ? 1 : 2);
    if (n.contains(".")) {
      n = n.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return n + units[u];
  }
}
