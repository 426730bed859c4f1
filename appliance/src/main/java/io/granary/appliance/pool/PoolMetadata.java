package io.granary.appliance.pool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import java.io.IOException;
import java.util.List;

/**
 * What a pool's checkpoints carry besides its volumes (the chunk store's catalog): its settings
 * and the profiles on this appliance, as JSON, so that a pool attached from its bucket on a new
 * appliance keeps its capacity, thresholds, services and the profiles its volumes name. Never a
 * secret: the bucket and its credentials are the attaching appliance's own.
 */
record PoolMetadata(
    String format, int version, ApplianceState.PoolEntry pool, List<Profile> profiles) {
  static final String FORMAT = "granary-pool-metadata";
  static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static byte[] encode(Pool p, List<Profile> profiles) {
    PoolMetadata m =
        new PoolMetadata(
            FORMAT,
            VERSION,
            ApplianceState.PoolEntry.of(p.name(), "", "", p.settings(), null),
            profiles);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException("pool metadata could not be written as JSON", e);
    }
  }

  static PoolMetadata decode(byte[] bytes) throws IOException {
    PoolMetadata m;
    try {
      m = JSON.readValue(bytes, PoolMetadata.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("the checkpoint's pool metadata is not valid: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(m.format()) || m.version() != VERSION || m.pool() == null) {
      throw new IOException(
          "the checkpoint's pool metadata is "
              + m.format()
              + " version "
              + m.version()
              + "; this build reads "
              + FORMAT
              + " version "
              + VERSION);
    }
    return m;
  }

  PoolSettings settings() {
    return pool.settings();
  }
}
