package io.granary.appliance.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.policy.PoolSettings;
import java.nio.file.Path;
import java.util.Set;

/** Reads a {@code [pools.NAME]} table: where the pool lives and the settings it starts with. */
final class PoolDeclarations {
  private static final Set<String> KEYS =
      Set.of("path", "profile", "capacity", "overcommit", "warn", "critical", "services");

  private PoolDeclarations() {}

  static ApplianceConfig.PoolDeclaration read(String name, JsonNode n, Path data) {
    String section = "pools." + name + ".";
    ConfigLoader.check(n, KEYS, section);
    PoolSettings d = PoolSettings.defaults();
    try {
      PoolSettings s =
          new PoolSettings(
              n.has("capacity") ? ConfigLoader.size(n, section, "capacity", "0") : 0,
              n.has("overcommit") ? n.get("overcommit").asDouble() : d.overcommit(),
              n.path("warn").asInt(d.warnPercent()),
              n.path("critical").asInt(d.criticalPercent()),
              n.has("services") ? ServiceList.read(n.get("services")) : d.services(),
              ConfigLoader.text(n, "profile", d.profile()));
      return new ApplianceConfig.PoolDeclaration(
          data.resolve(ConfigLoader.text(n, "path", "pools/" + name)), s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          section.substring(0, section.length() - 1) + ": " + e.getMessage());
    }
  }
}
