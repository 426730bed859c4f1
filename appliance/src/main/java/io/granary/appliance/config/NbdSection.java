package io.granary.appliance.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.nbd.api.AccessRule;
import io.granary.nbd.api.ConnectionLimits;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The {@code [nbd]} section: listeners, TLS, {@code [[nbd.access]]} rules and tuning. */
final class NbdSection {
  static final Set<String> KEYS =
      Set.of(
          "listen",
          "socket",
          "tls",
          "tls-certificate",
          "tls-key",
          "tls-client-ca",
          "tls-verify-peer",
          "access",
          "io-threads",
          "max-in-flight",
          "handshake-timeout",
          "handshake-limit",
          "max-connections",
          "max-connections-per-client",
          "max-requests-in-flight");
  private static final Set<String> RULE_KEYS = Set.of("exports", "networks", "subjects");

  private NbdSection() {}

  /** The listener, or {@code null} when neither a TCP address nor a socket is configured. */
  static ApplianceConfig.Nbd load(JsonNode nbd, String listenOverride, Path data) {
    String listen =
        listenOverride != null
            ? listenOverride
            : ConfigLoader.text(nbd, "listen", "127.0.0.1:" + NbdServerConfig.DEFAULT_PORT);
    if ("none".equals(listen)) {
      listen = null;
    } else {
      HostPort.parse("nbd.listen", listen);
    }
    String socket = ConfigLoader.text(nbd, "socket", null);
    if (listen == null && socket == null) {
      return null;
    }
    int ioThreads =
        nbd != null && nbd.has("io-threads")
            ? nbd.get("io-threads").asInt(0)
            : NbdServerConfig.defaultIoThreads();
    if (ioThreads < 1) {
      throw new IllegalArgumentException("nbd.io-threads must be a positive number");
    }
    long inFlight = ConfigLoader.size(nbd, "nbd.", "max-in-flight", "128M");
    if (inFlight < (32 << 20)) {
      throw new IllegalArgumentException("nbd.max-in-flight must be at least 32M (one request)");
    }
    Duration timeout = ConfigLoader.duration(nbd, "nbd.", "handshake-timeout", "30s");
    ConnectionLimits defaults = ConnectionLimits.DEFAULTS;
    ConnectionLimits limits =
        new ConnectionLimits(
            positive(nbd, "max-connections", defaults.maxConnections()),
            positive(nbd, "max-connections-per-client", defaults.maxConnectionsPerClient()),
            positive(nbd, "max-requests-in-flight", defaults.maxRequestsInFlight()),
            ConfigLoader.duration(nbd, "nbd.", "handshake-limit", "5m"));
    return new ApplianceConfig.Nbd(
        listen,
        socket == null ? null : data.resolve(socket),
        tls(nbd, data),
        access(nbd),
        ioThreads,
        inFlight,
        timeout,
        limits);
  }

  private static int positive(JsonNode nbd, String key, int fallback) {
    JsonNode n = nbd == null ? null : nbd.get(key);
    if (n == null) {
      return fallback;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
      throw new IllegalArgumentException(
          "nbd." + key + " must be a positive whole number, not " + n);
    }
    return n.asInt();
  }

  private static TlsSettings tls(JsonNode nbd, Path data) {
    String mode = ConfigLoader.text(nbd, "tls", "off").toUpperCase(Locale.ROOT);
    TlsMode tlsMode;
    try {
      tlsMode = TlsMode.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "nbd.tls must be off, optional or required, not '" + mode.toLowerCase(Locale.ROOT) + "'");
    }
    if (tlsMode == TlsMode.OFF) {
      return TlsSettings.OFF;
    }
    String cert = ConfigLoader.text(nbd, "tls-certificate", null);
    String key = ConfigLoader.text(nbd, "tls-key", null);
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          "nbd.tls = "
              + mode.toLowerCase(Locale.ROOT)
              + " needs nbd.tls-certificate and nbd.tls-key");
    }
    String ca = ConfigLoader.text(nbd, "tls-client-ca", null);
    // On whenever a client CA is given, as nbdkit's --tls-verify-peer and qemu's verify-peer:
    // a CA that admitted clients without certificates would be a trap.
    JsonNode verify = nbd.get("tls-verify-peer");
    if (verify != null && !verify.isBoolean()) {
      throw new IllegalArgumentException(
          "nbd.tls-verify-peer must be true or false, not " + verify);
    }
    boolean verifyPeer = verify == null ? ca != null : verify.asBoolean();
    if (verifyPeer && ca == null) {
      throw new IllegalArgumentException(
          "nbd.tls-verify-peer = true needs nbd.tls-client-ca, the CA that signs clients'"
              + " certificates");
    }
    return new TlsSettings(
        tlsMode,
        data.resolve(cert),
        data.resolve(key),
        ca == null ? null : data.resolve(ca),
        verifyPeer);
  }

  private static List<AccessRule> access(JsonNode nbd) {
    JsonNode rules = nbd == null ? null : nbd.get("access");
    if (rules == null) {
      return List.of();
    }
    if (!rules.isArray()) {
      throw new IllegalArgumentException("nbd.access must be an array of tables ([[nbd.access]])");
    }
    List<AccessRule> out = new ArrayList<>();
    for (JsonNode r : rules) {
      ConfigLoader.check(r, RULE_KEYS, "nbd.access.");
      if (!r.has("exports")) {
        throw new IllegalArgumentException("every [[nbd.access]] rule needs exports = \"GLOB\"");
      }
      out.add(
          new AccessRule(
              r.get("exports").asText(), strings(r, "networks"), strings(r, "subjects")));
    }
    return out;
  }

  private static List<String> strings(JsonNode rule, String key) {
    JsonNode n = rule.get(key);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("nbd.access." + key + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }
}
