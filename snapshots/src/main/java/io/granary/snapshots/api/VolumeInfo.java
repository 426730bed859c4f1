package io.granary.snapshots.api;

import java.time.Instant;

/**
 * A volume as the catalog describes it. {@code origin} is {@code VOLUME@SNAPSHOT} for a clone,
 * else {@code null}; {@code dedupe} false means its chunks are not shared with other volumes.
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
    boolean dedupe) {}
