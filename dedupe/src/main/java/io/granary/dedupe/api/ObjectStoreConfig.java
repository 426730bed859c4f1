package io.granary.dedupe.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a pool's packs live when they live on an object store that speaks the S3 API (Ceph
 * RGW, AWS S3, Garage, SeaweedFS, R2, s3proxy...).
 *
 * @param endpoint the service's URL ({@code http://host:port} or {@code https://...}); {@code
 *     null} for AWS itself, found from the region
 * @param region the region requests are signed for ({@code us-east-1} where the service has
 *     none)
 * @param bucket an existing bucket
 * @param prefix prepended to every key Granary writes ({@code ""} or ending in {@code /}), so a
 *     bucket can hold several pools
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}:
 *     what most services other than AWS need
 * @param credentials how requests are signed
 * @param cacheBytes the hard cap on the local cache of pack pages read back from the store
 * @param spoolBytes sealed packs not yet uploaded beyond which a new pack waits for uploads:
 *     writers slow down rather than fill the local disk while the store is down or slow
 * @param requestsPerSecond the most requests a second sent to the store; 0 for no limit
 * @param bytesPerSecond the most bytes a second uploaded and downloaded; 0 for no limit
 */
public record ObjectStoreConfig(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    Credentials credentials,
    long cacheBytes,
    long spoolBytes,
    double requestsPerSecond,
    long bytesPerSecond) {

  /** The default cap of the local read cache: 8 GiB. */
  public static final long DEFAULT_CACHE_BYTES = 8L << 30;

  /** The default bound of the upload backlog in the spool: 8 GiB. */
  public static final long DEFAULT_SPOOL_BYTES = 8L << 30;

  /** The least bound of the upload backlog: a few packs. */
  public static final long MIN_SPOOL_BYTES = 64L << 20;

  /** The default spool bound and no limits. */
  public ObjectStoreConfig(
      URI endpoint,
      String region,
      String bucket,
      String prefix,
      boolean pathStyle,
      Credentials credentials,
      long cacheBytes) {
    this(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        credentials,
        cacheBytes,
        DEFAULT_SPOOL_BYTES,
        0,
        0);
  }

  /** The same store with the backlog bounded at {@code bytes}. */
  public ObjectStoreConfig withSpoolBytes(long bytes) {
    return new ObjectStoreConfig(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        credentials,
        cacheBytes,
        bytes,
        requestsPerSecond,
        bytesPerSecond);
  }

  public ObjectStoreConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(credentials, "credentials");
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("the bucket has no name");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("a key prefix ends with '/': " + prefix);
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("the cache cap is negative");
    }
    if (spoolBytes <= 0 || requestsPerSecond < 0 || bytesPerSecond < 0) {
      throw new IllegalArgumentException("the spool bound is not positive, or a limit negative");
    }
  }

  /** How requests are signed. A key never appears in {@code toString}. */
  public sealed interface Credentials {
    /** An access key given in the pool's configuration. */
    record Keys(String accessKeyId, String secretAccessKey) implements Credentials {
      public Keys {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      }

      @Override
      public String toString() {
        return "Keys[accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)]";
      }
    }

    /** A profile of an AWS-style credentials file ({@code [default]} unless named). */
    record File(Path path, String profile) implements Credentials {}

    /** The usual {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} variables, then ~/.aws. */
    record Environment() implements Credentials {}
  }
}
