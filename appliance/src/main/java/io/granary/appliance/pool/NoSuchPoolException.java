package io.granary.appliance.pool;

import io.granary.snapshots.api.VolumeException;

/**
 * A pool that does not exist. A {@link VolumeException} of kind {@code NOT_FOUND}, so that
 * every edge answers it as it answers a missing volume (ENOENT, an unknown export, 404).
 */
public final class NoSuchPoolException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public NoSuchPoolException(String pool) {
    super(Kind.NOT_FOUND, "pool " + pool + " does not exist");
  }
}
