package io.granary.appliance.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** How pool fields read in tables. */
final class PoolRows {
  private PoolRows() {}

  static String services(JsonNode p) {
    List<String> s = new ArrayList<>();
    p.get("services").forEach(n -> s.add(n.asText()));
    return s.isEmpty() ? "none" : String.join(",", s);
  }
}
