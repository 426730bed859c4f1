package io.granary.appliance.pool;

import io.granary.snapshots.api.NoSuchVolumeException;

/**
 * A pool that does not exist: no volume in it does either, so every edge answers it as a
 * missing volume (ENOENT, an unknown export, 404).
 */
public final class NoSuchPoolException extends NoSuchVolumeException {
  private static final long serialVersionUID = 1L;

  public NoSuchPoolException(String pool) {
    super("pool " + pool + " does not exist");
  }
}
