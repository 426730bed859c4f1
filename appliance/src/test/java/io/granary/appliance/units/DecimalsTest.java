package io.granary.appliance.units;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decimals.fixed prints what String.format(Locale.ROOT, "%.Nf") prints, ties and signs too. */
class DecimalsTest {
  @Test
  void printsWhatTheFormatterPrints() {
    List<Double> values =
        new ArrayList<>(
            List.of(
                0.0,
                -0.0,
                0.05,
                0.15,
                0.25,
                0.35,
                0.45,
                1.005,
                2.675,
                12.35,
                99.95,
                99.99,
                100.0,
                -0.04,
                -0.05,
                -1.25,
                1023.999,
                1e-7,
                5e-324,
                1.5e300,
                Double.MAX_VALUE,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY));
    Random random = new Random(20261206);
    for (int i = 0; i < 100_000; i++) {
      values.add((random.nextDouble() - 0.1) * Math.pow(10, random.nextInt(8)));
      values.add(random.nextInt(100_000) / 1000.0); // ties at every place
      values.add(random.nextLong() / 1024.0 / 1024 / 1024);
    }
    List<String> differ = new ArrayList<>();
    for (double v : values) {
      for (int places = 0; places <= 2; places++) {
        String expected = String.format(Locale.ROOT, "%." + places + "f", v);
        if (!expected.equals(Decimals.fixed(v, places))) {
          differ.add(v + " with " + places + ": " + expected + " but " + Decimals.fixed(v, places));
        }
      }
    }
    assertEquals(List.of(), differ.subList(0, Math.min(20, differ.size())));
  }

  @Test
  void sizesPrintAsBefore() {
    assertEquals("100", Sizes.human(100));
    assertEquals("1K", Sizes.human(1024));
    assertEquals("1.5K", Sizes.human(1536));
    assertEquals("10G", Sizes.human(10L << 30));
    assertEquals("1.23M", Sizes.human((long) (1.234 * (1 << 20))));
    assertEquals("12.3T", Sizes.human((long) (12.34 * (1L << 40))));
    assertEquals("1000G", Sizes.human(1000L << 30));
    assertEquals("-2K", Sizes.human(-2048));
  }
}
