package io.granary.appliance.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.dedupe.api.ObjectStoreConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a {@code [pools.NAME]} table: where the pool lives (with {@code s3} and {@code bucket},
 * its packs on an object store) and the settings it starts with.
 */
final class PoolDeclarations {
  private static final Set<String> KEYS =
      Set.of(
          "path",
          "profile",
          "capacity",
          "overcommit",
          "warn",
          "critical",
          "services",
          "s3",
          "bucket",
          "prefix",
          "region",
          "path-style",
          "cache",
          "credentials",
          "credentials-profile",
          "durability",
          "spool",
          "requests-per-second",
          "bandwidth",
          "read-only");
  private static final Set<String> BUCKET_KEYS =
      Set.of(
          "bucket",
          "prefix",
          "region",
          "path-style",
          "cache",
          "credentials",
          "credentials-profile",
          "durability",
          "spool",
          "requests-per-second",
          "bandwidth",
          "read-only");

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
      PoolBucket bucket = bucket(n, section);
      if (bucket != null && s.capacity() == 0) {
        throw new IllegalArgumentException(
            "a pool on an object store needs a capacity: a bucket has no size of its own");
      }
      return new ApplianceConfig.PoolDeclaration(
          data.resolve(ConfigLoader.text(n, "path", "pools/" + name)), s, bucket);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          section.substring(0, section.length() - 1) + ": " + e.getMessage());
    }
  }

  /** The pool's bucket, or null when it names none (a local pool). */
  private static PoolBucket bucket(JsonNode n, String section) {
    if (!n.has("s3")) {
      for (String k : BUCKET_KEYS) {
        if (n.has(k)) {
          throw new IllegalArgumentException("\"" + k + "\" needs \"s3\", the object store's URL");
        }
      }
      return null;
    }
    return new PoolBucket(
        ConfigLoader.text(n, "s3", ""),
        ConfigLoader.text(n, "region", PoolBucket.DEFAULT_REGION),
        ConfigLoader.text(n, "bucket", null),
        ConfigLoader.text(n, "prefix", ""),
        n.path("path-style").asBoolean(true),
        ConfigLoader.size(
            n, section, "cache", String.valueOf(ObjectStoreConfig.DEFAULT_CACHE_BYTES)),
        ConfigLoader.text(n, "credentials", null),
        ConfigLoader.text(n, "credentials-profile", null),
        ConfigLoader.text(n, "durability", PoolBucket.LOCAL),
        n.has("spool") ? ConfigLoader.size(n, section, "spool", "0") : 0,
        n.path("requests-per-second").asDouble(0),
        n.has("bandwidth") ? ConfigLoader.size(n, section, "bandwidth", "0") : 0,
        n.path("read-only").asBoolean(false));
  }
}
