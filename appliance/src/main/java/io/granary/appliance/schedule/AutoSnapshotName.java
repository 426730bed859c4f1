package io.granary.appliance.schedule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Names of automatic snapshots, {@code auto-2026-11-24T10:00Z}: the minute they were taken, in
 * UTC. Only snapshots named so are ever pruned; a snapshot an admin took is never touched.
 */
final class AutoSnapshotName {
  static final String PREFIX = "auto-";
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

  private AutoSnapshotName() {}

  static String of(Instant taken) {
    return PREFIX + FORMAT.format(taken.truncatedTo(ChronoUnit.MINUTES));
  }

  /** When an automatic snapshot was taken; null for any other name. */
  static Instant parse(String name) {
    if (!name.startsWith(PREFIX)) {
      return null;
    }
    try {
      return FORMAT.parse(name.substring(PREFIX.length()), Instant::from);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
