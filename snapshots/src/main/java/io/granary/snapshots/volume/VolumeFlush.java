package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.overlay.Overlay;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A volume's flush ({@code docs/format.md} §4.4): freezes the active overlay, turns its blocks
 * into chunks and map pages ({@link TreeFlush}), syncs the store and commits the new root in the
 * same index transaction as those chunks, then swaps the state and drops what the commit covers
 * (intents, journal segments, dirty memory).
 *
 * <p>States: no flush; a flush in progress (the frozen overlay is {@code state.flushing});
 * a failed flush, which leaves the frozen overlay in place and the failure in {@link
 * #lastFailure} until a later attempt flushes the same blocks first. At most one background
 * flush is queued per volume ({@code queued}).
 *
 * <p>Locks: the caller of {@link #flushLocked} holds {@code maintenance}; the freeze and the
 * final swap take {@code writeLock} briefly, the chunk work runs with writes going on. The
 * store's {@code flushGate} is held for reading from the first chunk to the catalog commit, so
 * a collection never sweeps chunks that only an uncommitted root refers to.
 *
 * <p>Not done here: when to flush (the store's ticker and the writers' dirty budget decide).
 */
final class VolumeFlush {
  private static final System.Logger LOG = System.getLogger(VolumeFlush.class.getName());

  private final VolumeHead v;
  private final AtomicBoolean queued = new AtomicBoolean();

  /** The journal sequence the frozen overlay runs up to, while a flush of it is pending. */
  private long flushingCutSeq;

  private volatile IOException lastFailure;
  private volatile long lastFlushNanos = System.nanoTime();

  VolumeFlush(VolumeHead v) {
    this.v = v;
  }

  /** The last flush's failure, or null when the last flush succeeded. */
  IOException lastFailure() {
    return lastFailure;
  }

  /** Bytes of dirty blocks held in memory. */
  long dirtyBytes() {
    VolumeState s = v.state;
    return s.active().memoryBytes() + (s.flushing() == null ? 0 : s.flushing().memoryBytes());
  }

  boolean hasDirtyData() {
    VolumeState s = v.state;
    return !s.active().isEmpty() || s.flushing() != null;
  }

  long nanosSinceFlush() {
    return System.nanoTime() - lastFlushNanos;
  }

  /** Queues a background flush unless one is queued already. */
  void request() {
    if (!v.closed && queued.compareAndSet(false, true)) {
      v.ctx.flushWorkers.execute(
          () -> {
            queued.set(false);
            try {
              flush();
            } catch (IOException e) {
              LOG.log(
                  Level.WARNING,
                  "background flush of volume {0} failed: {1}",
                  v.name(),
                  e.getMessage());
            }
          });
    }
  }

  /** Turns every dirty block into chunks and commits the new root. */
  void flush() throws IOException {
    v.maintenance.lock();
    try {
      if (!v.closed) {
        flushLocked();
      }
    } finally {
      v.maintenance.unlock();
    }
  }

  /** A flush; the caller holds {@code maintenance}. */
  void flushLocked() throws IOException {
    VolumeState s;
    Overlay frozen;
    v.writeLock.lock();
    try {
      s = v.state;
      if (s.flushing() != null) {
        frozen = s.flushing(); // an earlier attempt failed: retry the same blocks first
      } else if (!s.active().isEmpty()) {
        frozen = s.active();
        flushingCutSeq = v.intents.lastSeq();
        // No fsync needed for the cut: records are appended only by the intent log, which
        // syncs them before it appends again, so every segment but the newest is durable.
        v.journal.cut();
        s = new VolumeState(s.root(), s.depth(), s.size(), new Overlay(v.blockSize), frozen);
        v.state = s;
      } else {
        lastFlushNanos = System.nanoTime();
        return;
      }
    } finally {
      v.writeLock.unlock();
    }
    ChunkId root;
    VolumeRecord committed;
    v.ctx.flushGate.readLock().lock();
    try {
      root = new TreeFlush(v.ctx, v.blockSize, v.policy).build(s, frozen);
      committed =
          v.record.withState(
              root, s.size(), flushingCutSeq, v.bytesWritten.get(), v.ctx.config.clock().millis());
      v.ctx.catalog.change().put(committed).commitWith(v.ctx.store);
      lastFailure = null;
    } catch (IOException e) {
      lastFailure = StoreErrors.translate(e, "flush of volume " + v.name());
      throw lastFailure;
    } finally {
      v.ctx.flushGate.readLock().unlock();
    }
    v.writeLock.lock();
    try {
      VolumeState now = v.state;
      v.state = new VolumeState(root, now.depth(), now.size(), now.active(), null);
      v.record = committed;
      v.intents.covered(committed.coveredSeq());
    } finally {
      v.writeLock.unlock();
    }
    lastFlushNanos = System.nanoTime();
    v.ctx.space.refreshIfLimited(); // before the release: the flushed bytes count as stored now
    long flushed = frozen.memoryBytes();
    frozen.release(); // readers still in it read again from the new state
    v.ctx.budget.release(flushed);
    v.journal.release(committed.coveredSeq());
  }
}
