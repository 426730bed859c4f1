package io.granary.appliance.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.granary.appliance.units.Durations;
import io.granary.appliance.units.Sizes;
import io.granary.snapshots.api.VolumeStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the configuration: embedded defaults, then the TOML file if one is given, then the
 * command-line overrides. Unknown keys are errors (a typo must not silently keep a default).
 * The file format is documented in {@code docs/configuration.md}.
 */
public final class ConfigLoader {
  /** Command-line values that win over the file; null fields are not given. */
  public record Overrides(Path data, String nbdListen, String mount) {}

  private static final Set<String> TOP =
      Set.of("data", "nbd", "fuse", "admin", "metrics", "volumes", "pools");

  private ConfigLoader() {}

  public static ApplianceConfig load(Path file, Overrides overrides, Path defaultData)
      throws IOException {
    JsonNode root = file == null ? null : read(file);
    check(root, TOP, "");
    Path data =
        overrides.data() != null
            ? overrides.data()
            : root != null && root.has("data") ? Path.of(root.get("data").asText()) : defaultData;
    data = data.toAbsolutePath().normalize();

    ApplianceConfig.Nbd nbd =
        NbdSection.load(section(root, "nbd", NbdSection.KEYS), overrides.nbdListen(), data);

    JsonNode fuse = section(root, "fuse", Set.of("mount"));
    String mount = overrides.mount() != null ? overrides.mount() : text(fuse, "mount", "mnt");

    JsonNode admin =
        section(
            root,
            "admin",
            Set.of(
                "socket", "group", "tcp", "tls-keystore", "tls-keystore-password", "token-file"));
    ApplianceConfig.AdminTcp tcp = null;
    if (admin != null && admin.has("tcp")) {
      String listen = admin.get("tcp").asText();
      HostPort.parse("admin.tcp", listen);
      if (!admin.has("tls-keystore") || !admin.has("token-file")) {
        throw new IllegalArgumentException(
            "admin.tcp needs tls-keystore and token-file: the TCP admin API is TLS with a token only");
      }
      tcp =
          new ApplianceConfig.AdminTcp(
              listen,
              data.resolve(admin.get("tls-keystore").asText()),
              text(admin, "tls-keystore-password", ""),
              data.resolve(admin.get("token-file").asText()));
    }

    JsonNode metrics = section(root, "metrics", Set.of("listen"));
    String metricsListen = text(metrics, "listen", null);
    if (metricsListen != null) {
      HostPort.parse("metrics.listen", metricsListen);
    }

    JsonNode vol =
        section(
            root,
            "volumes",
            Set.of("dirty-limit", "volume-flush", "flush-interval", "block-cache", "page-cache"));
    long dirtyLimit =
        size(vol, "dirty-limit", String.valueOf(VolumeStoreConfig.defaultDirtyLimit()));
    ApplianceConfig.Volumes volumes =
        new ApplianceConfig.Volumes(
            dirtyLimit,
            size(vol, "volume-flush", String.valueOf(VolumeStoreConfig.volumeFlushFor(dirtyLimit))),
            duration(vol, "volumes.", "flush-interval", "5s"),
            size(vol, "block-cache", "128M"),
            size(vol, "page-cache", "64M"));

    Map<String, ApplianceConfig.PoolDeclaration> pools = new LinkedHashMap<>();
    JsonNode poolsNode = root == null ? null : root.get("pools");
    if (poolsNode != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = poolsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        pools.put(e.getKey(), PoolDeclarations.read(e.getKey(), e.getValue(), data));
      }
    }
    return new ApplianceConfig(
        data,
        nbd,
        "none".equals(mount) ? null : data.resolve(mount),
        data.resolve(text(admin, "socket", "admin.sock")),
        text(admin, "group", null),
        tcp,
        metricsListen,
        volumes,
        pools);
  }

  private static JsonNode read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("configuration file " + file + " does not exist");
    }
    try {
      return new TomlMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "configuration file "
              + file
              + " is not valid TOML: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static JsonNode section(JsonNode root, String name, Set<String> keys) {
    JsonNode n = root == null ? null : root.get(name);
    if (n != null && !n.isObject()) {
      throw new IllegalArgumentException("[" + name + "] must be a table");
    }
    check(n, keys, name + ".");
    return n;
  }

  static void check(JsonNode n, Set<String> keys, String prefix) {
    if (n == null) {
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw new IllegalArgumentException("unknown configuration key " + prefix + k);
      }
    }
  }

  static String text(JsonNode n, String key, String fallback) {
    return n != null && n.has(key) ? n.get(key).asText() : fallback;
  }

  private static long size(JsonNode n, String key, String fallback) {
    return size(n, "volumes.", key, fallback);
  }

  static long size(JsonNode n, String section, String key, String fallback) {
    String v = text(n, key, fallback);
    try {
      return Sizes.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(section + key + ": " + e.getMessage());
    }
  }

  static Duration duration(JsonNode n, String section, String key, String fallback) {
    try {
      return Durations.parse(text(n, key, fallback));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(section + key + ": " + e.getMessage());
    }
  }
}
