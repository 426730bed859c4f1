package io.granary.snapshots.volume;

import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.journal.Journal;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the parts of one open volume share: its current {@link VolumeState}, its committed row,
 * its journal and intent log, and the two locks that order changes to them. The parts are the
 * writes ({@link VolumeWrites}), the flush ({@link VolumeFlush}) and the engine's whole-volume
 * changes ({@link VolumeEngine}); none of them holds state the others need.
 *
 * <p>Locks: {@code writeLock} orders intents with overlay changes (so replay equals memory),
 * guards every swap of {@code state} and holds still the bytes an intent's record copies;
 * {@code maintenance} serializes flushes, resizes, rollbacks, renames and close. A holder of
 * both takes {@code maintenance} first. {@code record} changes only under {@code maintenance}
 * (a flush also holds {@code writeLock} as it publishes the row with the new state).
 *
 * <p>Not done here: any behaviour. This is a holder, so that the parts depend on it and not on
 * each other.
 */
final class VolumeHead {
  final VolumeContext ctx;
  final long id;
  final int blockSize;
  final Journal journal;
  final IntentLog intents;
  final ReentrantLock writeLock = new ReentrantLock();
  final ReentrantLock maintenance = new ReentrantLock();
  final AtomicLong bytesWritten;

  /** The overlays over the committed tree; swapped whole under {@code writeLock}. */
  volatile VolumeState state;

  /** The volume's committed catalog row. */
  volatile VolumeRecord record;

  /** The codec and dedupe of the next flush; swapped whole when the services change. */
  volatile BlockPolicy policy;

  volatile boolean closed;

  VolumeHead(VolumeContext ctx, VolumeRecord record, Journal journal, VolumeState state) {
    this.ctx = ctx;
    this.id = record.id();
    this.blockSize = record.blockSize();
    this.journal = journal;
    this.intents =
        new IntentLog(journal, Math.max(record.coveredSeq(), journal.lastSeq()), writeLock);
    this.record = record;
    this.policy = BlockPolicy.of(record);
    this.bytesWritten = new AtomicLong(record.bytesWritten());
    this.state = state;
  }

  String name() {
    return record.name();
  }

  void checkOpen() throws VolumeException {
    if (closed) {
      throw new VolumeException(VolumeException.Kind.CLOSED, "volume " + name() + " is closed");
    }
  }
}
