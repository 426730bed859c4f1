package io.granary.snapshots.api;

/** The pool ran out of space; nothing already stored was harmed. */
public final class VolumeFullException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public VolumeFullException(String message) {
    super(Kind.NO_SPACE, message);
  }

  public VolumeFullException(String message, Throwable cause) {
    super(Kind.NO_SPACE, message, cause);
  }
}
