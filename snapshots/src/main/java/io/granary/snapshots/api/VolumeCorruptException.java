package io.granary.snapshots.api;

/** Stored data of the volume failed verification. */
public final class VolumeCorruptException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public VolumeCorruptException(String message) {
    super(Kind.CORRUPT, message);
  }

  public VolumeCorruptException(String message, Throwable cause) {
    super(Kind.CORRUPT, message, cause);
  }
}
