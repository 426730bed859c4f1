package io.granary.dedupe.api;

import java.io.IOException;

/** The medium ran out of space; the failed put left nothing behind and the store stays usable. */
public final class StoreFullException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreFullException(String message, Throwable cause) {
    super(Kind.NO_SPACE, message, cause);
  }

  /** Whether the failure is ENOSPC or EDQUOT: the JDK reports both only through the message. */
  private static boolean isNoSpace(IOException e) {
    if (e instanceof StoreFullException) {
      return true;
    }
    String m = e.getMessage();
    return m != null
        && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
  }

  /**
   * The exception to throw for a failed write to the pool's medium (packs, journals): a
   * {@link StoreFullException} when the disk is full, else {@code e} unchanged.
   */
  public static IOException classify(String what, IOException e) {
    if (isNoSpace(e) && !(e instanceof StoreFullException)) {
      return new StoreFullException(what + ": no space left on the device", e);
    }
    return e;
  }
}
