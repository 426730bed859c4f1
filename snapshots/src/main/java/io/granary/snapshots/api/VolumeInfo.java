package io.granary.snapshots.api;

import java.time.Instant;

/**
 * A volume as the catalog describes it. {@code origin} is {@code VOLUME@SNAPSHOT} for a clone,
 * else {@code null}; {@code dedupe} false means its chunks are not shared with other volumes;
 * {@code replicaOf} names the volume a replica receives from ({@code POOL/VOLUME#CREATED} as
 * the sender named it), else {@code null}: a replica is read-only until promoted.
 */
public record VolumeInfo(
    String name,
    long size,
    int blockSize,
    String codec,
    String profile,
    Instant created,
    Instant modified,
    String origin,
    int snapshots,
    boolean dedupe,
    String replicaOf) {

  public boolean isReplica() {
    return replicaOf != null;
  }
}
