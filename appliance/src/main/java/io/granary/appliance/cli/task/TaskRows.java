package io.granary.appliance.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A task's fields as they read in tables. */
final class TaskRows {
  private TaskRows() {}

  /** A time to the second: {@code 2026-12-08T02:25:36Z}, or null. */
  static String time(JsonNode t) {
    return t == null || t.isNull()
        ? null
        : Instant.parse(t.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code 120/400 chunks}, or {@code -} while unknown. */
  static String progress(JsonNode task) {
    long total = task.get("total").asLong();
    String unit = task.path("unit").asText("");
    return total < 0
        ? "-"
        : task.get("done").asLong() + "/" + total + (unit.isEmpty() ? "" : " " + unit);
  }
}
