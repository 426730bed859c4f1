package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.FlushPublisher;
import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.journal.JournalEntry;
import io.granary.snapshots.overlay.Overlay;
import io.granary.snapshots.overlay.ReleasedBlockException;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open volume, shared by every handle on it: its parts put together, and the changes to
 * the whole volume (resize, rollback, rename, new data services, close).
 *
 * <p>State: the committed tree (root, depth, size) and two overlays, swapped together as one
 * immutable {@link VolumeState} held by the {@link VolumeHead}: {@code active} takes writes,
 * {@code flushing} is frozen while a flush turns it into chunks. Reads look at active, then
 * flushing, then the tree ({@link VolumeReads}); writes go to active and the intent log
 * ({@link VolumeWrites}); a flush commits a new tree ({@link VolumeFlush}).
 *
 * <p>Locks (the head's): whole-volume changes hold {@code maintenance}, and {@code writeLock}
 * while they swap the state. Reads take no lock: a read that meets a dirty block released by a
 * flush meanwhile reads again from the new state.
 *
 * <p>Space: resizes and rollbacks pass the pool's provisioning check before they change
 * anything ({@link SpaceGate}).
 *
 * <p>Not done here: flush scheduling (the store's ticker decides when) and naming.
 */
final class VolumeEngine {
  private static final System.Logger LOG = System.getLogger(VolumeEngine.class.getName());

  private final VolumeHead v;
  private final VolumeReads reads;
  private final VolumeWrites writes;
  private final VolumeFlush flush;
  private final AtomicInteger handles = new AtomicInteger();
  private volatile long nextReadOffset = -1;

  private VolumeEngine(VolumeContext ctx, VolumeRecord record, Journal journal, VolumeState s) {
    this.v = new VolumeHead(ctx, record, journal, s);
    this.reads = new VolumeReads(ctx, record.blockSize());
    this.flush = new VolumeFlush(v);
    this.writes = new VolumeWrites(v, flush, reads);
  }

  /** Opens a volume: its committed tree plus the replay of its journal. */
  static VolumeEngine open(VolumeContext ctx, VolumeRecord record, Path journalDir)
      throws IOException {
    Overlay replayed = new Overlay(record.blockSize());
    long[] replayedBytes = {0};
    Journal journal;
    try {
      journal =
          Journal.open(
              journalDir,
              record.id(),
              record.coveredSeq(),
              e -> {
                replay(replayed, record.size(), record.blockSize(), e);
                replayedBytes[0] += e.length();
              });
    } catch (VolumeCorruptException e) {
      throw new VolumeCorruptException(
          "cannot open volume " + record.name() + ": " + e.getMessage(), e);
    }
    VolumeState s =
        new VolumeState(
            record.root(),
            TreeShape.depth(TreeShape.blocks(record.size(), record.blockSize())),
            record.size(),
            replayed,
            null);
    VolumeEngine engine = new VolumeEngine(ctx, record, journal, s);
    engine.v.bytesWritten.addAndGet(replayedBytes[0]);
    ctx.budget.force(replayed.memoryBytes());
    if (!replayed.isEmpty()) {
      LOG.log(
          Level.INFO,
          "volume {0}: replayed {1} journal bytes into {2} dirty blocks",
          record.name(),
          replayedBytes[0],
          replayed.dirtyBlocks());
    }
    return engine;
  }

  /** Applies a replayed record, clipped to the committed size. */
  private static void replay(Overlay overlay, long size, int blockSize, JournalEntry e)
      throws RuntimeException {
    if (e.offset() >= size) {
      return;
    }
    long len = Math.min(e.length(), size - e.offset());
    try {
      BlockSpan.split(
          e.offset(),
          len,
          blockSize,
          s -> {
            if (e.isZero()) {
              overlay.zero(s.block(), s.offsetInBlock(), s.length());
            } else {
              overlay.write(
                  s.block(), s.offsetInBlock(), e.data(), (int) s.bufferOffset(), s.length());
            }
          });
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  long id() {
    return v.id;
  }

  int blockSize() {
    return v.blockSize;
  }

  long size() {
    return v.state.size();
  }

  VolumeRecord record() {
    return v.record;
  }

  long bytesWritten() {
    return v.bytesWritten.get();
  }

  /**
   * Renames: commits the row under its new name while no flush runs, so no flush can commit
   * the old name again.
   */
  void rename(String newName) throws IOException {
    v.maintenance.lock();
    try {
      VolumeRecord renamed = v.record.withName(newName);
      v.ctx.catalog.change().deleteVolume(v.record.name()).put(renamed).commit();
      v.record = renamed;
    } finally {
      v.maintenance.unlock();
    }
  }

  /**
   * Commits new data services to the volume's row; the next flush uses them. Under
   * {@code maintenance}, so no flush in progress commits the old row again.
   */
  /** Marks the volume a replica of {@code source}, or ({@code ""}) a volume of its own. */
  void setReplicaOf(String source) throws IOException {
    v.maintenance.lock();
    try {
      VolumeRecord changed = v.record.withReplicaOf(source);
      v.ctx.catalog.change().put(changed).commit();
      v.record = changed;
    } finally {
      v.maintenance.unlock();
    }
  }

  void setServices(String codec, boolean dedupe, String profile) throws IOException {
    v.maintenance.lock();
    try {
      VolumeRecord changed = v.record.withServices(codec, dedupe, profile);
      v.ctx.catalog.change().put(changed).commit();
      v.record = changed;
      v.policy = BlockPolicy.of(changed);
    } finally {
      v.maintenance.unlock();
    }
  }

  // ---- handles

  void retain() {
    handles.incrementAndGet();
  }

  void release() {
    handles.decrementAndGet();
  }

  int handles() {
    return handles.get();
  }

  // ---- reads

  void read(long offset, byte[] dst, int off, int len) throws IOException {
    // A hint, racy among concurrent readers: whether this read goes on from the last one.
    boolean sequential = offset == nextReadOffset;
    nextReadOffset = offset + len;
    for (int attempt = 0; ; attempt++) {
      VolumeState s = v.state;
      checkRange(offset, len, s.size());
      try {
        BlockSpan.split(
            offset, len, v.blockSize, span -> reads.readSpan(s, span, dst, off, sequential));
        return;
      } catch (ChunkNotFoundException e) {
        // A flush committed a new root and a collection freed the old one under this read.
        if (attempt > 0) {
          throw StoreErrors.translate(e, "read of volume " + v.name());
        }
      } catch (ReleasedBlockException e) {
        // A flush committed the overlay this read was in: the new state has the bytes.
        if (attempt > 100) {
          throw StoreErrors.translate(e, "read of volume " + v.name());
        }
      } catch (IOException e) {
        throw StoreErrors.translate(e, "read of volume " + v.name());
      }
    }
  }

  List<Extent> blockStatus(long offset, long length) throws IOException {
    VolumeState s = v.state;
    checkRange(offset, length, s.size());
    try {
      return reads.blockStatus(s, offset, length);
    } catch (IOException e) {
      throw StoreErrors.translate(e, "block status of volume " + v.name());
    }
  }

  // ---- writes and flushes

  void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    writes.write(offset, src, off, len, fua);
  }

  boolean tryWrite(long offset, byte[] src, int off, int len) throws IOException {
    return writes.tryWrite(offset, src, off, len);
  }

  void zero(long offset, long length, boolean fua) throws IOException {
    writes.zero(offset, length, fua);
  }

  /** Makes every acknowledged write durable (an NBD FLUSH, an fsync). */
  void flush() throws IOException {
    writes.flush();
  }

  long dirtyBytes() {
    return flush.dirtyBytes();
  }

  boolean hasDirtyData() {
    return flush.hasDirtyData();
  }

  long nanosSinceFlush() {
    return flush.nanosSinceFlush();
  }

  long journalBytes() {
    return v.journal.bytes();
  }

  /** Queues a background flush unless one is queued already. */
  void requestFlush() {
    flush.request();
  }

  /** Turns every dirty block into chunks and commits the new root. */
  void flushToTree() throws IOException {
    flush.flush();
  }

  // ---- whole-volume changes

  /** Flushes, then returns the committed root and size (for a snapshot). */
  VolumeRecord flushAndGetRecord() throws IOException {
    v.maintenance.lock();
    try {
      v.checkOpen();
      flush.flushLocked();
      return v.record;
    } finally {
      v.maintenance.unlock();
    }
  }

  void resize(long newSize) throws IOException {
    if (newSize < 0) {
      throw new OutOfRangeException("a volume size cannot be negative");
    }
    v.maintenance.lock();
    try {
      v.checkOpen();
      v.ctx.space.provision(v.state.size(), newSize); // refused before anything changes
      v.writeLock.lock(); // no write may land between the flush and the new size
      try {
        flush.flushLocked();
        v.ctx.flushGate.readLock().lock(); // the new pages must be committed before a GC marks
        try {
          resizeFlushed(newSize);
        } finally {
          v.ctx.flushGate.readLock().unlock();
        }
      } catch (IOException e) {
        throw StoreErrors.translate(e, "resize of volume " + v.name());
      } finally {
        v.ctx.space.adjust(newSize, v.state.size()); // nothing when the resize happened
        v.writeLock.unlock();
      }
    } finally {
      v.maintenance.unlock();
    }
    FlushPublisher publisher = v.ctx.flushPublisher;
    if (publisher != null) {
      publisher.publish(); // durability remote: the new size is in the bucket when acknowledged
    }
  }

  /** The resize itself, with nothing dirty; the caller holds every lock. */
  private void resizeFlushed(long newSize) throws IOException {
    VolumeState s = v.state;
    int depth = TreeShape.depth(Math.max(TreeShape.blocks(newSize, v.blockSize), 1));
    ChunkId root = new TreeFlush(v.ctx, v.blockSize, v.policy).resize(s, newSize, depth);
    VolumeRecord committed =
        v.record.withState(
            root,
            newSize,
            v.intents.lastSeq(),
            v.bytesWritten.get(),
            v.ctx.config.clock().millis());
    v.ctx.catalog.change().put(committed).commitWith(v.ctx.store);
    v.record = committed;
    v.intents.covered(committed.coveredSeq());
    v.state = new VolumeState(root, depth, newSize, s.active(), null);
    LOG.log(Level.INFO, "volume {0} resized from {1} to {2} bytes", v.name(), s.size(), newSize);
  }

  /** Sets the volume to {@code target}'s state, discarding every write made since. */
  void rollback(ChunkId root, long size) throws IOException {
    switchTo(root, size, null, null);
  }

  /**
   * Sets the volume to a tree, as a rollback does, and in the same catalog commit marks it a
   * replica of {@code replicaOf} (null: unchanged) and adds {@code snapshot} (null: none): the
   * one atomic switch of a receive.
   */
  void switchTo(ChunkId root, long size, String replicaOf, SnapshotRecord snapshot)
      throws IOException {
    v.maintenance.lock();
    try {
      v.checkOpen();
      v.ctx.space.provision(v.state.size(), size); // a rollback may grow the volume
      v.writeLock.lock();
      try {
        VolumeState s = v.state;
        long cut = v.intents.lastSeq();
        v.journal.cut();
        VolumeRecord committed =
            v.record.withState(
                root, size, cut, v.bytesWritten.get(), v.ctx.config.clock().millis());
        if (replicaOf != null) {
          committed = committed.withReplicaOf(replicaOf);
        }
        var change = v.ctx.catalog.change().put(committed);
        if (snapshot != null) {
          change.put(snapshot);
        }
        change.commit();
        v.record = committed;
        v.intents.covered(cut);
        v.state =
            new VolumeState(
                root,
                TreeShape.depth(Math.max(TreeShape.blocks(size, v.blockSize), 1)),
                size,
                new Overlay(v.blockSize),
                null);
        v.ctx.budget.release(release(s)); // after the swap: readers still in them read again
        v.journal.release(cut);
      } finally {
        v.ctx.space.adjust(size, v.state.size()); // nothing when the rollback happened
        v.writeLock.unlock();
      }
    } finally {
      v.maintenance.unlock();
    }
  }

  /** Flushes and releases the journal; further use fails. */
  void close() throws IOException {
    v.maintenance.lock();
    try {
      if (v.closed) {
        return;
      }
      try {
        flush.flushLocked();
      } finally {
        v.closed = true;
        v.journal.close();
      }
    } finally {
      v.maintenance.unlock();
    }
  }

  /** Drops the engine without flushing (its volume is being deleted). */
  void discard() throws IOException {
    v.maintenance.lock();
    try {
      v.closed = true;
      v.ctx.budget.release(release(v.state));
      v.journal.close();
    } finally {
      v.maintenance.unlock();
    }
  }

  /** Gives back the memory of a state's overlays, which nothing needs now; returns its size. */
  private static long release(VolumeState s) {
    long bytes = 0;
    for (Overlay o : s.layers()) {
      bytes += o.memoryBytes();
      o.release();
    }
    return bytes;
  }

  static void checkRange(long offset, long length, long size) throws OutOfRangeException {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new OutOfRangeException(
          "range " + offset + "+" + length + " is outside the volume's " + size + " bytes");
    }
  }
}
