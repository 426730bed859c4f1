package io.granary.appliance.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything granaryd is told: where its data lives, its listeners, how volumes are buffered,
 * and the pools declared in the configuration (pools created later through the API are kept in
 * the data directory). Relative paths are resolved against {@code data}.
 *
 * @param nbdListen {@code HOST:PORT}, or {@code null} for no TCP listener
 * @param mount the FUSE mount point, or {@code null} for none
 * @param adminTcp the optional TCP admin listener, or {@code null}
 */
public record ApplianceConfig(
    Path data,
    String nbdListen,
    Path nbdSocket,
    Path mount,
    Path adminSocket,
    String adminGroup,
    AdminTcp adminTcp,
    Volumes volumes,
    Map<String, PoolDeclaration> pools) {

  /** The TCP admin listener: TLS from a PKCS#12 key store, and a bearer token. */
  public record AdminTcp(String listen, Path keyStore, String keyStorePassword, Path tokenFile) {}

  /** How volumes buffer writes (see VolumeStoreConfig). */
  public record Volumes(long dirtyLimit, long volumeFlush, Duration flushInterval,
      long blockCache, long pageCache) {}

  /** A pool named in the configuration: where it lives and its default profile. */
  public record PoolDeclaration(Path path, String profile) {}
}
