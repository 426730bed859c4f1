package io.granary.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.policy.PoolBucket;
import io.granary.dedupe.api.ObjectStoreConfig;
import java.util.Set;

/**
 * The bucket a pool-create request names in its {@code "s3"} object, if any: {@code endpoint},
 * {@code bucket}, and optionally {@code prefix}, {@code region}, {@code pathStyle}, {@code
 * cacheBytes}, {@code credentials} (a credentials file on the appliance, which only a caller
 * who may name files names), {@code credentialsProfile}, {@code durability} ({@code local} or
 * {@code remote}), {@code spoolBytes}, {@code requestsPerSecond} and {@code bandwidthBytes}.
 * Secrets themselves are refused: they belong in that file or in the daemon's environment, not
 * in a request.
 */
final class PoolBuckets {
  private static final Set<String> FIELDS =
      Set.of(
          "endpoint",
          "bucket",
          "prefix",
          "region",
          "pathStyle",
          "cacheBytes",
          "credentials",
          "credentialsProfile",
          "durability",
          "spoolBytes",
          "requestsPerSecond",
          "bandwidthBytes");

  private PoolBuckets() {}

  static PoolBucket of(ApiRequest q) throws ProblemException {
    if (!q.has("s3")) {
      return null;
    }
    JsonNode s3 = q.body().get("s3");
    if (!s3.isObject()) {
      throw new ProblemException(Problem.INVALID, "\"s3\" must be an object");
    }
    for (var it = s3.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new ProblemException(
            Problem.INVALID,
            "\"s3\" has no field \""
                + f
                + "\""
                + (f.toLowerCase().contains("secret") || f.toLowerCase().contains("key")
                    ? ": keys go in a credentials file or the daemon's AWS_* variables"
                    : ""));
      }
    }
    String credentials = text(s3, "credentials", null);
    if (credentials != null && !q.caller().mayNameFiles()) {
      throw new ProblemException(
          Problem.FORBIDDEN,
          "only root may have granaryd read a credentials file on the appliance");
    }
    JsonNode rate = s3.get("requestsPerSecond");
    if (rate != null && !(rate.isNumber() && rate.asDouble() >= 0)) {
      throw new ProblemException(
          Problem.INVALID, "\"s3.requestsPerSecond\" must be a non-negative number");
    }
    try {
      return new PoolBucket(
          text(s3, "endpoint", ""),
          text(s3, "region", PoolBucket.DEFAULT_REGION),
          text(s3, "bucket", null),
          text(s3, "prefix", ""),
          s3.path("pathStyle").asBoolean(true),
          bytes(s3, "cacheBytes", ObjectStoreConfig.DEFAULT_CACHE_BYTES),
          credentials,
          text(s3, "credentialsProfile", null),
          text(s3, "durability", PoolBucket.LOCAL),
          bytes(s3, "spoolBytes", 0),
          rate == null ? 0 : rate.asDouble(),
          bytes(s3, "bandwidthBytes", 0),
          false);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.INVALID, e.getMessage());
    }
  }

  private static long bytes(JsonNode s3, String field, long fallback) throws ProblemException {
    JsonNode v = s3.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v.isIntegralNumber() && v.asLong() >= 0)) {
      throw new ProblemException(
          Problem.INVALID, "\"s3." + field + "\" must be a non-negative integer");
    }
    return v.asLong();
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }
}
