package io.granary.dedupe.pack;

import io.granary.dedupe.api.StoreFullException;
import java.io.IOException;

/** Recognises a full medium among the JDK's plain {@link IOException}s. */
public final class DiskErrors {
  private DiskErrors() {}

  /** Whether the failure is ENOSPC or EDQUOT: the JDK reports both only through the message. */
  public static boolean isNoSpace(IOException e) {
    if (e instanceof StoreFullException) {
      return true;
    }
    String m = e.getMessage();
    return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
  }

  /** The exception to throw for a failed write: {@link StoreFullException} when the disk is full. */
  public static IOException classify(String what, IOException e) {
    if (isNoSpace(e) && !(e instanceof StoreFullException)) {
      return new StoreFullException(what + ": no space left on the device", e);
    }
    return e;
  }
}
