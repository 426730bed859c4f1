package io.granary.appliance.cli.pool;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where {@code pool create} puts a pool's packs when they go to an object store: {@code --s3}
 * and {@code --bucket}, and what goes with them. No option takes a secret (a command line is
 * visible to every user of the machine): keys come from {@code --credentials FILE} or the
 * daemon's {@code AWS_*} variables.
 */
public final class BucketOptions {
  @Option(
      names = "--s3",
      paramLabel = "URL",
      description = "Keep its packs on this S3 service: an http or https URL.")
  String endpoint;

  @Option(names = "--bucket", paramLabel = "BUCKET", description = "The bucket (with --s3).")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Key prefix in the bucket, so one bucket holds several pools.")
  String prefix;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "Region requests are signed for (default us-east-1).")
  String region;

  @Option(
      names = "--cache",
      paramLabel = "SIZE",
      converter = io.granary.appliance.cli.SizeConverter.class,
      description = "Hard cap of the local cache of packs read back (default 8G).")
  Long cache;

  @Option(
      names = "--credentials",
      paramLabel = "FILE",
      description =
          "AWS-style credentials file on the appliance (default: granaryd's AWS_* variables).")
  Path credentials;

  @Option(
      names = "--credentials-profile",
      paramLabel = "NAME",
      description = "Profile of the credentials file (default: default).")
  String profile;

  @Option(
      names = "--path-style",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Address the bucket as URL/BUCKET, not by a host name of its own (default: yes).")
  boolean pathStyle;

  @Option(
      names = "--durability",
      paramLabel = "local|remote",
      description =
          "What a FLUSH waits for: the local spool, uploads following (default), or the bucket.")
  String durability;

  @Option(
      names = "--spool",
      paramLabel = "SIZE",
      converter = io.granary.appliance.cli.SizeConverter.class,
      description = "Uploads may fall this far behind before writers wait (default 8G).")
  Long spool;

  @Option(
      names = "--requests-per-second",
      paramLabel = "N",
      description = "At most N requests a second to the service (default: no limit).")
  Double requestsPerSecond;

  @Option(
      names = "--bandwidth",
      paramLabel = "SIZE",
      converter = io.granary.appliance.cli.SizeConverter.class,
      description = "At most SIZE bytes a second up and down (default: no limit).")
  Long bandwidth;

  /** The request's {@code "s3"} object, or null for a local pool. */
  Map<String, Object> field() {
    if (endpoint == null) {
      if (bucket != null
          || prefix != null
          || region != null
          || cache != null
          || credentials != null
          || profile != null
          || durability != null
          || spool != null
          || requestsPerSecond != null
          || bandwidth != null) {
        throw new IllegalArgumentException(
            "--bucket, --prefix, --region, --cache, --credentials, --durability, --spool and"
                + " the limits go with --s3 URL");
      }
      return null;
    }
    if (bucket == null) {
      throw new IllegalArgumentException("--s3 needs --bucket");
    }
    Map<String, Object> s3 = new LinkedHashMap<>();
    s3.put("endpoint", endpoint);
    s3.put("bucket", bucket);
    if (prefix != null) {
      s3.put("prefix", prefix);
    }
    if (region != null) {
      s3.put("region", region);
    }
    s3.put("pathStyle", pathStyle);
    if (cache != null) {
      s3.put("cacheBytes", cache);
    }
    if (credentials != null) {
      s3.put("credentials", credentials.toAbsolutePath().toString());
    }
    if (profile != null) {
      s3.put("credentialsProfile", profile);
    }
    if (durability != null) {
      s3.put("durability", durability);
    }
    if (spool != null) {
      s3.put("spoolBytes", spool);
    }
    if (requestsPerSecond != null) {
      s3.put("requestsPerSecond", requestsPerSecond);
    }
    if (bandwidth != null) {
      s3.put("bandwidthBytes", bandwidth);
    }
    return s3;
  }
}
