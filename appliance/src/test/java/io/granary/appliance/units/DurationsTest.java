package io.granary.appliance.units;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void anAgeReadsInItsTwoLargestUnits() {
    assertEquals("0s", Durations.age(0));
    assertEquals("42s", Durations.age(42));
    assertEquals("1m", Durations.age(60));
    assertEquals("4m 12s", Durations.age(252));
    assertEquals("2h 5m", Durations.age(2 * 3600 + 5 * 60 + 59));
    assertEquals("3d 4h", Durations.age(3 * 86400 + 4 * 3600 + 1));
    assertEquals("1d", Durations.age(86400 + 59));
  }
}
