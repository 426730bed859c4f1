package io.granary.snapshots.api;

/** A pool's limits: stored bytes (capacity) and the volumes' sizes added up (provisioning). */
public record SpaceLimits(long capacityBytes, long provisionLimitBytes) {
  public static final SpaceLimits UNLIMITED = new SpaceLimits(Long.MAX_VALUE, Long.MAX_VALUE);
}
