package io.granary.appliance.pool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the daemon itself remembers, in {@code DATA/appliance.json}: the pools with their
 * settings, and the profiles. Written whole to a temporary file, fsynced and renamed over the
 * old one, so a crash leaves the old state or the new one. Version 1 files (before pool
 * settings and typed profiles) are read and upgraded; version 2 (before pools on object stores)
 * reads as it is. Version 3 is written, so that an older build refuses a pool on an object
 * store rather than open its spool as a local pool.
 */
public record ApplianceState(int version, List<PoolEntry> pools, List<Profile> profiles) {
  static final int VERSION = 3;

  /**
   * A pool: its name, its directory, when it was made, its settings and, for a pool on an
   * object store, its bucket (null otherwise).
   */
  public record PoolEntry(
      String name,
      String path,
      String created,
      long capacity,
      double overcommit,
      int warnPercent,
      int criticalPercent,
      List<String> services,
      String profile,
      PoolBucket bucket) {

    static PoolEntry of(
        String name, String path, String created, PoolSettings s, PoolBucket bucket) {
      return new PoolEntry(
          name,
          path,
          created,
          s.capacity(),
          s.overcommit(),
          s.warnPercent(),
          s.criticalPercent(),
          Service.labels(s.services()),
          s.profile(),
          bucket);
    }

    PoolSettings settings() {
      Set<Service> s = EnumSet.noneOf(Service.class);
      services.forEach(label -> s.add(Service.parse(label)));
      return new PoolSettings(capacity, overcommit, warnPercent, criticalPercent, s, profile);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static ApplianceState empty() {
    return new ApplianceState(VERSION, List.of(), List.of());
  }

  public static ApplianceState load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return empty();
    }
    JsonNode root = JSON.readTree(file.toFile());
    int version = root.path("version").asInt();
    if (version == 1) {
      return upgrade(root);
    }
    if (version != 2 && version != VERSION) {
      throw new IOException(file + " has version " + version + "; this build reads 1 to 3");
    }
    try {
      ApplianceState s = JSON.treeToValue(root, ApplianceState.class);
      return new ApplianceState(
          VERSION,
          s.pools() == null ? List.of() : s.pools(),
          s.profiles() == null ? List.of() : s.profiles());
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(file + " is not a valid state file: " + e.getMessage(), e);
    }
  }

  /** Version 1 knew pools by name, path and profile, and profiles as free-form settings. */
  private static ApplianceState upgrade(JsonNode root) {
    List<PoolEntry> pools = new ArrayList<>();
    for (JsonNode p : root.path("pools")) {
      pools.add(
          PoolEntry.of(
              p.path("name").asText(),
              p.path("path").asText(),
              p.path("created").asText(),
              PoolSettings.defaults().withProfile(p.path("profile").asText(Profile.DEFAULT)),
              null));
    }
    List<Profile> profiles = new ArrayList<>();
    for (JsonNode p : root.path("profiles")) {
      Profile d = Profile.defaults(p.path("name").asText());
      JsonNode s = p.path("settings");
      profiles.add(
          new Profile(
              d.name(),
              0,
              0,
              0,
              s.path("codec").asText(d.codec()),
              true,
              s.path("blockSize").asInt(d.blockSize()),
              0,
              0,
              0));
    }
    return new ApplianceState(VERSION, pools, profiles);
  }

  public void save(Path file) throws IOException {
    AtomicFile.write(file, JSON.writeValueAsBytes(this));
  }
}
