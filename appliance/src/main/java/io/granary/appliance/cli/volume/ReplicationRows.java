package io.granary.appliance.cli.volume;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.Table;
import io.granary.appliance.units.Durations;
import java.time.Duration;

/** A volume's replication in {@code volume show}: where to, what last arrived, how far behind. */
final class ReplicationRows {
  private ReplicationRows() {}

  /** Adds nothing for a volume that neither replicates on schedule nor ever did. */
  static void add(Table t, JsonNode r) {
    if (r.path("to").isNull() || r.path("to").isMissingNode()) {
      return;
    }
    JsonNode every = r.path("every");
    t.row(
        "replication",
        "to "
            + r.get("to").asText()
            + (every.isNull() ? " (no schedule)" : " every " + format(every.asLong())));
    t.row(
        "replicated",
        r.path("snapshot").isNull()
            ? "never"
            : r.get("snapshot").asText() + " (done " + r.get("succeeded").asText() + ")");
    if (!r.path("lagSeconds").isNull()) {
      t.row("lag", Durations.age(r.get("lagSeconds").asLong()));
    }
    if (r.path("failures").asInt() > 0) {
      t.row(
          "failures",
          r.get("failures").asInt()
              + " in a row, last at "
              + r.get("failed").asText()
              + ": "
              + r.path("error").asText());
    }
  }

  private static String format(long seconds) {
    return Durations.format(Duration.ofSeconds(seconds));
  }
}
