package io.granary.snapshots.api;

/** A volume or snapshot name that is taken. */
public final class VolumeExistsException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public VolumeExistsException(String message) {
    super(Kind.EXISTS, message);
  }

  public VolumeExistsException(String message, Throwable cause) {
    super(Kind.EXISTS, message, cause);
  }
}
