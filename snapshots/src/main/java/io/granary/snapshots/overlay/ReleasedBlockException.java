package io.granary.snapshots.overlay;

import java.io.IOException;

/**
 * A read reached a dirty block after its overlay was flushed or the block dropped: the reader
 * held an older state of the volume and reads again from the current one.
 */
public final class ReleasedBlockException extends IOException {
  public ReleasedBlockException(long block) {
    super("dirty block " + block + " was released under a read");
  }

  /** Expected and retried, never reported: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
