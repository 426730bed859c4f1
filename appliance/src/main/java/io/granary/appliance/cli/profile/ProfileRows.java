package io.granary.appliance.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.OutputOptions;
import io.granary.appliance.units.Durations;
import java.time.Duration;

/** How a profile's settings read in tables: {@code -} for no limit, sizes and durations short. */
final class ProfileRows {
  private ProfileRows() {}

  static String iops(JsonNode p) {
    long v = p.get("iops").asLong();
    return v == 0 ? "-" : Long.toString(v);
  }

  static String bandwidth(JsonNode p, OutputOptions o) {
    long v = p.get("bandwidth").asLong();
    return v == 0 ? "-" : o.size(v) + "/s";
  }

  static String burst(JsonNode p) {
    long v = p.get("burst").asLong();
    return v == 0 ? "-" : Long.toString(v);
  }

  static String dedupe(JsonNode p) {
    return p.get("dedupe").asBoolean() ? "on" : "off";
  }

  /** {@code every 1h, keep 24 / 7d}, or {@code -}. */
  static String snapshots(JsonNode p) {
    long every = p.get("snapshotEverySeconds").asLong();
    if (every == 0) {
      return "-";
    }
    StringBuilder b = new StringBuilder("every ").append(duration(every)).append(", keep");
    if (p.get("keep").asInt() > 0) {
      b.append(' ').append(p.get("keep").asInt());
    }
    if (p.get("keepForSeconds").asLong() > 0) {
      b.append(p.get("keep").asInt() > 0 ? " and" : "")
          .append(" for ")
          .append(duration(p.get("keepForSeconds").asLong()));
    }
    return b.toString();
  }

  /** {@code to east:default every 15m, keep 4}, or {@code -}. */
  static String replication(JsonNode p) {
    JsonNode to = p.path("replicateTo");
    if (to.isMissingNode() || to.isNull()) {
      return "-";
    }
    return "to "
        + (to.asText().contains(":") ? to.asText() : to.asText() + ":default")
        + " every "
        + duration(p.get("replicateEverySeconds").asLong())
        + ", keep "
        + p.get("replicateKeep").asInt();
  }

  private static String duration(long seconds) {
    return Durations.format(Duration.ofSeconds(seconds));
  }
}
