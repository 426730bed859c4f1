package io.granary.snapshots.api;

/**
 * A volume or snapshot that does not exist (or whose pool does not: the appliance's
 * {@code NoSuchPoolException} is one).
 */
public class NoSuchVolumeException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public NoSuchVolumeException(String message) {
    super(Kind.NOT_FOUND, message);
  }

  public NoSuchVolumeException(String message, Throwable cause) {
    super(Kind.NOT_FOUND, message, cause);
  }
}
