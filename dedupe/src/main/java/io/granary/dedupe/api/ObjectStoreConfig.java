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
 */
public record ObjectStoreConfig(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    Credentials credentials,
    long cacheBytes) {

  /** The default cap of the local read cache: 8 GiB. */
  public static final long DEFAULT_CACHE_BYTES = 8L << 30;

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
