package io.granary.dedupe.pack;

import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;

/**
 * A pack the {@link PackWriter} created, and whether the writer itself closed it after fsyncing
 * it. A commit may still hold it as its active pack when a later commit fsyncs and closes it as
 * sealed; that fsync finding it closed is then done. Any other close, such as the one an
 * interrupt makes ({@link ClosedByInterruptException}), leaves its data of unknown durability,
 * so the fsync fails.
 */
final class WrittenPack implements PackMedium.Appender {
  private final PackMedium.Appender appender;
  private final int packId;

  /** Set after a successful fsync, before the writer's own close. */
  private volatile boolean syncedAndClosed;

  WrittenPack(PackMedium.Appender appender, int packId) {
    this.appender = appender;
    this.packId = packId;
  }

  int packId() {
    return packId;
  }

  @Override
  public void append(ByteBuffer... buffers) throws IOException {
    appender.append(buffers);
  }

  @Override
  public long size() throws IOException {
    return appender.size();
  }

  @Override
  public void truncate(long length) throws IOException {
    appender.truncate(length);
  }

  /** fsyncs the pack; nothing left to do if the writer fsynced and closed it meanwhile. */
  @Override
  public void force() throws IOException {
    try {
      appender.force();
    } catch (ClosedChannelException closed) {
      if (!syncedAndClosed) {
        throw notSynced(closed);
      }
    }
  }

  /** fsyncs and closes a sealed pack; closes it even when the fsync fails. */
  void forceAndClose() throws IOException {
    try {
      appender.force();
      syncedAndClosed = true;
    } catch (ClosedChannelException closed) {
      throw notSynced(closed);
    } finally {
      appender.close();
    }
  }

  @Override
  public void close() throws IOException {
    appender.close();
  }

  private IOException notSynced(ClosedChannelException closed) {
    String pack = String.format("pack %08x", packId);
    if (closed instanceof ClosedByInterruptException) {
      Thread.currentThread().interrupt(); // the thread was asked to stop: keep it so
      InterruptedIOException e =
          new InterruptedIOException(
              "interrupted in the fsync of " + pack + ": its records are not known to be durable");
      e.initCause(closed);
      return e;
    }
    return new IOException(
        pack + " was closed before its fsync finished: its records are not known to be durable",
        closed);
  }
}
