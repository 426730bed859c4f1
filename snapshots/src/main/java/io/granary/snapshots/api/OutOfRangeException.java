package io.granary.snapshots.api;

/** An access that reaches past the end of the volume. */
public final class OutOfRangeException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public OutOfRangeException(String message) {
    super(Kind.OUT_OF_RANGE, message);
  }

  public OutOfRangeException(String message, Throwable cause) {
    super(Kind.OUT_OF_RANGE, message, cause);
  }
}
