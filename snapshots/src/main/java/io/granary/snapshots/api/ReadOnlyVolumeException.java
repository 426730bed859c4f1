package io.granary.snapshots.api;

/** A change to a snapshot or another read-only view. */
public final class ReadOnlyVolumeException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public ReadOnlyVolumeException(String message) {
    super(Kind.READ_ONLY, message);
  }

  public ReadOnlyVolumeException(String message, Throwable cause) {
    super(Kind.READ_ONLY, message, cause);
  }
}
