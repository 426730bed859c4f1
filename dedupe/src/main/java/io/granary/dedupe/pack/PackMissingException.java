package io.granary.dedupe.pack;

import java.io.IOException;

/**
 * The pack a location names could not be read: its file is gone (compaction retired it, or it
 * was lost) or its handle was closed under the reader. Callers look the chunk up again.
 */
public final class PackMissingException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean fileGone;

  public PackMissingException(int packId, boolean fileGone, Throwable cause) {
    super(
        "pack " + Integer.toHexString(packId) + (fileGone ? " does not exist" : " was closed"),
        cause);
    this.fileGone = fileGone;
  }

  /** True when the file itself is missing, false when only our handle was closed. */
  public boolean fileGone() {
    return fileGone;
  }
}
