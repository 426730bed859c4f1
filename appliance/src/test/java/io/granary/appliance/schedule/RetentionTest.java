package io.granary.appliance.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.granary.appliance.policy.SnapshotPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  /** Hourly snapshots taken at NOW-0h, NOW-1h, ... NOW-(n-1)h. */
  private static Map<String, Instant> hourly(int n) {
    Map<String, Instant> m = new LinkedHashMap<>();
    for (int i = n - 1; i >= 0; i--) {
      Instant t = NOW.minus(Duration.ofHours(i));
      m.put(AutoSnapshotName.of(t), t);
    }
    return m;
  }

  @Test
  void keepsTheNewestByCount() {
    SnapshotPolicy p = new SnapshotPolicy(Duration.ofHours(1), 3, Duration.ZERO);
    assertEquals(
        List.of("auto-2026-11-24T07:00Z", "auto-2026-11-24T08:00Z", "auto-2026-11-24T09:00Z"),
        Retention.expired(hourly(6), p, NOW));
  }

  @Test
  void keepsTheYoungerByAgeEvenBeyondTheCount() {
    SnapshotPolicy p = new SnapshotPolicy(Duration.ofHours(1), 1, Duration.ofMinutes(150));
    // 12:00 is the newest; 11:00 and 10:00 are younger than 2h30; 09:00 is not.
    assertEquals(
        List.of("auto-2026-11-24T07:00Z", "auto-2026-11-24T08:00Z", "auto-2026-11-24T09:00Z"),
        Retention.expired(hourly(6), p, NOW));
  }

  @Test
  void keepsTheCountEvenWhenAllAreOld() {
    SnapshotPolicy p = new SnapshotPolicy(Duration.ofHours(1), 4, Duration.ofMinutes(1));
    assertEquals(
        List.of("auto-2026-11-24T07:00Z", "auto-2026-11-24T08:00Z"),
        Retention.expired(hourly(6), p, NOW));
    assertEquals(List.of(), Retention.expired(hourly(3), p, NOW));
  }

  @Test
  void namesRoundTripToTheMinuteAndOthersAreNotAutomatic() {
    Instant t = Instant.parse("2026-11-24T10:00:59.5Z");
    assertEquals("auto-2026-11-24T10:00Z", AutoSnapshotName.of(t));
    assertEquals(
        Instant.parse("2026-11-24T10:00:00Z"), AutoSnapshotName.parse(AutoSnapshotName.of(t)));
    assertNull(AutoSnapshotName.parse("before-upgrade"));
    assertNull(AutoSnapshotName.parse("auto-yesterday"));
  }
}
