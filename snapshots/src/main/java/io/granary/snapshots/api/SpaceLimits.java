package io.granary.snapshots.api;

/**
 * The space rules of a pool, enforced by its {@link VolumeStore} whichever front end writes.
 *
 * @param capacityBytes the most the pool may hold: a write that could take stored plus buffered
 *     data past it is refused ({@link VolumeFullException})
 * @param provisionLimitBytes the most all volume sizes may add up to (the overcommit limit):
 *     creating, cloning or growing past it is refused ({@link OverProvisionedException})
 */
public record SpaceLimits(long capacityBytes, long provisionLimitBytes) {
  /** No limits: the medium's own size is the only one. */
  public static final SpaceLimits UNLIMITED = new SpaceLimits(Long.MAX_VALUE, Long.MAX_VALUE);

  public SpaceLimits {
    if (capacityBytes < 0 || provisionLimitBytes < 0) {
      throw new IllegalArgumentException(
          "space limits cannot be negative: capacity "
              + capacityBytes
              + ", provisioning limit "
              + provisionLimitBytes);
    }
  }

  /** Whether a capacity is set (anything but {@code Long.MAX_VALUE}). */
  public boolean hasCapacity() {
    return capacityBytes != Long.MAX_VALUE;
  }
}
