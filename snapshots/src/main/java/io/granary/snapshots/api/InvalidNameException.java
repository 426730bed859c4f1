package io.granary.snapshots.api;

/** A name that breaks the naming rule ({@link Names}). */
public final class InvalidNameException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public InvalidNameException(String message) {
    super(Kind.INVALID, message);
  }

  public InvalidNameException(String message, Throwable cause) {
    super(Kind.INVALID, message, cause);
  }
}
