package io.granary.snapshots.api;

/** The volume is open and the operation needs it idle. */
public final class VolumeBusyException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public VolumeBusyException(String message) {
    super(Kind.BUSY, message);
  }

  public VolumeBusyException(String message, Throwable cause) {
    super(Kind.BUSY, message, cause);
  }
}
