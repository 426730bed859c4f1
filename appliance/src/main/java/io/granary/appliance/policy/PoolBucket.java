package io.granary.appliance.policy;

import io.granary.dedupe.api.ObjectStoreConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a pool on an object store keeps its packs: a bucket of an S3 service, a key prefix in
 * it, and the local read cache's cap. Set when the pool is created and never changed after.
 * Credentials are named, never held: a credentials file (AWS's format, {@code [profile]} then
 * {@code aws_access_key_id}/{@code aws_secret_access_key}) or, when none is named, the usual
 * {@code AWS_*} variables of the daemon; so no secret reaches the state file, a view or a log.
 *
 * @param endpoint the service's URL; empty for AWS itself
 * @param prefix {@code ""} or ending in {@code /}
 * @param credentialsFile a credentials file on the appliance, or null for the environment
 * @param credentialsProfile the file's profile, or null for {@code default}
 * @param durability what a FLUSH waits for: {@code local} (the local spool) or {@code remote}
 *     (the bucket)
 * @param spoolBytes how far the uploads may fall behind before writers wait; 0 for the default
 * @param requestsPerSecond the most requests a second sent to the service; 0 for no limit
 * @param bandwidthBytes the most bytes a second sent and received; 0 for no limit
 * @param readOnly attached without the pool's lease: volumes served read-only, nothing written
 *     to the bucket (a second site beside the writer, a recovery test)
 */
public record PoolBucket(
    String endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    long cacheBytes,
    String credentialsFile,
    String credentialsProfile,
    String durability,
    long spoolBytes,
    double requestsPerSecond,
    long bandwidthBytes,
    boolean readOnly) {

  public static final String DEFAULT_REGION = "us-east-1";
  public static final String LOCAL = "local";
  public static final String REMOTE = "remote";

  public PoolBucket {
    endpoint = endpoint == null ? "" : endpoint;
    durability = durability == null || durability.isEmpty() ? LOCAL : durability;
    if (!durability.equals(LOCAL) && !durability.equals(REMOTE)) {
      throw new IllegalArgumentException(
          "durability is local (a FLUSH waits for the local spool) or remote (for the bucket),"
              + " not '"
              + durability
              + "'");
    }
    spoolBytes = spoolBytes == 0 ? ObjectStoreConfig.DEFAULT_SPOOL_BYTES : spoolBytes;
    if (spoolBytes < ObjectStoreConfig.MIN_SPOOL_BYTES) {
      throw new IllegalArgumentException(
          "the upload spool holds at least "
              + (ObjectStoreConfig.MIN_SPOOL_BYTES >> 20)
              + " MiB (a few packs)");
    }
    if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond) || bandwidthBytes < 0) {
      throw new IllegalArgumentException("a request or bandwidth limit cannot be negative");
    }
    region = region == null || region.isEmpty() ? DEFAULT_REGION : region;
    prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    prefix = prefix == null ? "" : prefix;
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException(
          "invalid bucket name '"
              + bucket
              + "': 3 to 63 lowercase letters, digits, dots and hyphens");
    }
    if (prefix.startsWith("/")) {
      throw new IllegalArgumentException("a key prefix does not start with '/': " + prefix);
    }
    if (!endpoint.isEmpty()) {
      URI u;
      try {
        u = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid object store URL '" + endpoint + "'");
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException(
            "an object store URL is http://HOST[:PORT] or https://HOST[:PORT], not '"
                + endpoint
                + "'");
      }
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("the cache size cannot be negative");
    }
  }

  /** The chunk store's view of it. */
  public ObjectStoreConfig toConfig() {
    ObjectStoreConfig.Credentials c =
        credentialsFile == null
            ? new ObjectStoreConfig.Credentials.Environment()
            : new ObjectStoreConfig.Credentials.File(Path.of(credentialsFile), credentialsProfile);
    return new ObjectStoreConfig(
        endpoint.isEmpty() ? null : URI.create(endpoint),
        region,
        bucket,
        prefix,
        pathStyle,
        c,
        cacheBytes,
        spoolBytes,
        requestsPerSecond,
        bandwidthBytes);
  }

  /** The same bucket, attached read-only. */
  public PoolBucket asReadOnly() {
    return new PoolBucket(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        cacheBytes,
        credentialsFile,
        credentialsProfile,
        durability,
        spoolBytes,
        requestsPerSecond,
        bandwidthBytes,
        true);
  }

  /** Whether a FLUSH waits for the bucket. */
  public boolean remoteDurability() {
    return durability.equals(REMOTE);
  }

  /** {@code s3://bucket/prefix at endpoint}, for messages and views. */
  public String describe() {
    return "s3://" + bucket + "/" + prefix + (endpoint.isEmpty() ? "" : " at " + endpoint);
  }
}
