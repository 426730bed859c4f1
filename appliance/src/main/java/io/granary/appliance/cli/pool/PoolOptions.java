package io.granary.appliance.cli.pool;

import io.granary.appliance.policy.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The settings {@code pool create} and {@code pool set} share; only those given are sent. */
public final class PoolOptions {
  @Option(
      names = "--overcommit",
      paramLabel = "RATIO",
      description = "Volume sizes may add up to capacity x RATIO (default 4).")
  Double overcommit;

  @Option(
      names = "--warn",
      paramLabel = "PCT",
      description = "Warning threshold, percent of capacity (default 80).")
  Integer warn;

  @Option(
      names = "--critical",
      paramLabel = "PCT",
      description = "Critical threshold, percent of capacity (default 90).")
  Integer critical;

  @Option(
      names = "--services",
      paramLabel = "LIST",
      description =
          "Services its volumes may use, comma-separated: snapshots, clones, dedupe, "
              + "compression, replication; all or none (default all).")
  String services;

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      description = "Default profile of new volumes.")
  String profile;

  /** The settings given, as the API's fields; {@code capacity} is the command's own option. */
  Map<String, Object> fields(Long capacity) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (capacity != null) {
      m.put("capacity", capacity);
    }
    if (overcommit != null) {
      m.put("overcommit", overcommit);
    }
    if (warn != null) {
      m.put("warnPercent", warn);
    }
    if (critical != null) {
      m.put("criticalPercent", critical);
    }
    if (services != null) {
      // Checked here so a typo is a usage error, not a daemon round trip.
      m.put("services", Service.labels(Service.parseList(services)));
    }
    if (profile != null) {
      m.put("profile", profile);
    }
    return m;
  }
}
