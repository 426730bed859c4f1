package io.granary.appliance.config;

import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.nbd.api.AccessRule;
import io.granary.nbd.api.ConnectionLimits;
import io.granary.nbd.api.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything granaryd is told: where its data lives, its listeners, how volumes are buffered,
 * and the pools declared in the configuration (pools created later through the API are kept in
 * the data directory). Relative paths are resolved against {@code data}.
 *
 * @param nbd the NBD listener, or {@code null} for none
 * @param mount the FUSE mount point, or {@code null} for none
 * @param adminTcp the optional TCP admin listener, or {@code null}
 * @param metricsListen {@code HOST:PORT} of the plain-HTTP Prometheus listener, or {@code null}
 *     for none (metrics are always on the admin API)
 */
public record ApplianceConfig(
    Path data,
    Nbd nbd,
    Path mount,
    Path adminSocket,
    String adminGroup,
    AdminTcp adminTcp,
    String metricsListen,
    Volumes volumes,
    Map<String, PoolDeclaration> pools) {

  /**
   * The NBD listener: a TCP {@code HOST:PORT} and/or a Unix socket, TLS, access rules, and the
   * I/O threads, per-connection in-flight bound, handshake timeout and connection limits.
   */
  public record Nbd(
      String listen,
      Path socket,
      TlsSettings tls,
      List<AccessRule> access,
      int ioThreads,
      long maxInFlight,
      Duration handshakeTimeout,
      ConnectionLimits limits) {}

  /** The TCP admin listener: TLS from a PKCS#12 key store, and a bearer token. */
  public record AdminTcp(String listen, Path keyStore, String keyStorePassword, Path tokenFile) {}

  /** How volumes buffer writes (see VolumeStoreConfig). */
  public record Volumes(
      long dirtyLimit, long volumeFlush, Duration flushInterval, long blockCache, long pageCache) {}

  /**
   * A pool named in the configuration: where it lives, and its settings when it is first
   * created (later changes are made with {@code granary pool set} and kept by the daemon).
   */
  /** A declared pool: its directory, its settings, and its bucket if it lives on one. */
  public record PoolDeclaration(Path path, PoolSettings settings, PoolBucket bucket) {}
}
