package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeFullException;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.journal.JournalEntry;
import io.granary.snapshots.journal.JournalRecord;
import io.granary.snapshots.overlay.DirtyBlock;
import io.granary.snapshots.overlay.Overlay;
import io.granary.snapshots.overlay.ReleasedBlockException;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open volume, shared by every handle on it.
 *
 * <p>State: the committed tree (root, depth, size) and two overlays, swapped together as one
 * immutable {@link VolumeState}: {@code active} takes writes, {@code flushing} is frozen while a
 * flush turns it into chunks. Reads look at active, then flushing, then the tree.
 *
 * <p>Writes: a write changes the active overlay and adds an intent to the {@link IntentLog}; it
 * touches no disk. A FLUSH or an FUA write has the intent log append and sync what is pending
 * (or, with a large backlog, commits a tree first: {@code docs/format.md} §4.3).
 *
 * <p>Locks: {@code writeLock} orders intents with overlay changes (so replay equals memory),
 * guards the swaps of {@link VolumeState}, and holds still the bytes an intent's record copies;
 * {@code maintenance} serializes flushes, resizes, rollbacks and close. Reads take no lock: a
 * read that meets a dirty block released by a flush meanwhile reads again from the new state.
 *
 * <p>Space: writes pass the pool's capacity check as they take dirty memory, and resizes and
 * rollbacks its provisioning check before they change anything ({@link SpaceGate}).
 *
 * <p>Not done here: flush scheduling (the store's flusher decides when) and naming.
 */
final class VolumeEngine {
  private static final System.Logger LOG = System.getLogger(VolumeEngine.class.getName());

  private final VolumeContext ctx;
  private final long id;
  private final int blockSize;

  /** The codec and dedupe of the next flush; swapped whole by {@link #setServices}. */
  private volatile BlockPolicy policy;

  private final Journal journal;
  private final IntentLog intents;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock maintenance = new ReentrantLock();
  private final AtomicLong bytesWritten;
  private final AtomicInteger handles = new AtomicInteger();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final VolumeReads reads;
  private volatile VolumeState state;
  private volatile VolumeRecord record;

  /** The journal sequence the frozen overlay runs up to, while a flush of it is pending. */
  private long flushingCutSeq;

  private volatile IOException lastFlushFailure;
  private volatile long lastFlushNanos = System.nanoTime();
  private volatile long nextReadOffset = -1;
  private volatile boolean closed;

  private VolumeEngine(VolumeContext ctx, VolumeRecord record, Journal journal) {
    this.ctx = ctx;
    this.id = record.id();
    this.blockSize = record.blockSize();
    this.policy = BlockPolicy.of(record);
    this.journal = journal;
    this.intents =
        new IntentLog(
            journal, Math.max(record.coveredSeq(), journal.lastSeq()), writeLock, this::copyNewest);
    this.record = record;
    this.bytesWritten = new AtomicLong(record.bytesWritten());
    this.reads = new VolumeReads(ctx, record.blockSize());
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
    VolumeEngine v = new VolumeEngine(ctx, record, journal);
    v.state =
        new VolumeState(
            record.root(),
            TreeShape.depth(TreeShape.blocks(record.size(), record.blockSize())),
            record.size(),
            replayed,
            null);
    v.bytesWritten.addAndGet(replayedBytes[0]);
    ctx.budget.force(replayed.memoryBytes());
    if (!replayed.isEmpty()) {
      LOG.log(
          Level.INFO,
          "volume {0}: replayed {1} journal bytes into {2} dirty blocks",
          record.name(),
          replayedBytes[0],
          replayed.dirtyBlocks());
    }
    return v;
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
    return id;
  }

  int blockSize() {
    return blockSize;
  }

  long size() {
    return state.size();
  }

  VolumeRecord record() {
    return record;
  }

  /**
   * Renames: commits the row under its new name while no flush runs, so no flush can commit
   * the old name again.
   */
  void rename(String newName) throws IOException {
    maintenance.lock();
    try {
      VolumeRecord renamed = record.withName(newName);
      ctx.catalog.change().deleteVolume(record.name()).put(renamed).commit();
      record = renamed;
    } finally {
      maintenance.unlock();
    }
  }

  /**
   * Commits new data services to the volume's row; the next flush uses them. Under
   * {@code maintenance}, so no flush in progress commits the old row again.
   */
  void setServices(String codec, boolean dedupe, String profile) throws IOException {
    maintenance.lock();
    try {
      VolumeRecord changed = record.withServices(codec, dedupe, profile);
      ctx.catalog.change().put(changed).commit();
      record = changed;
      policy = BlockPolicy.of(changed);
    } finally {
      maintenance.unlock();
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
      VolumeState s = state;
      checkRange(offset, len, s.size());
      try {
        BlockSpan.split(
            offset, len, blockSize, span -> reads.readSpan(s, span, dst, off, sequential));
        return;
      } catch (ChunkNotFoundException e) {
        // A flush committed a new root and a collection freed the old one under this read.
        if (attempt > 0) {
          throw StoreErrors.translate(e, "read of volume " + record.name());
        }
      } catch (ReleasedBlockException e) {
        // A flush committed the overlay this read was in: the new state has the bytes.
        if (attempt > 100) {
          throw StoreErrors.translate(e, "read of volume " + record.name());
        }
      } catch (IOException e) {
        throw StoreErrors.translate(e, "read of volume " + record.name());
      }
    }
  }

  List<Extent> blockStatus(long offset, long length) throws IOException {
    VolumeState s = state;
    checkRange(offset, length, s.size());
    try {
      return reads.blockStatus(s, offset, length);
    } catch (IOException e) {
      throw StoreErrors.translate(e, "block status of volume " + record.name());
    }
  }

  // ---- writes

  void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    checkOpen();
    checkRange(offset, len, state.size());
    long seq = 0;
    for (long done = 0; done < len; ) {
      int n = (int) Math.min(len - done, JournalRecord.MAX_LENGTH);
      seq = writeRecord(offset + done, src, off + (int) done, n);
      done += n;
    }
    bytesWritten.addAndGet(len);
    if (fua && seq > 0) {
      makeDurable(seq);
    }
  }

  private long writeRecord(long offset, byte[] src, int off, int len) throws IOException {
    long touched = TreeShape.blocks(offset + len, blockSize) - offset / blockSize;
    long reserved = touched * blockSize;
    ctx.budget.acquire(reserved, ctx.space::admit, this::underPressure);
    int created = 0;
    try {
      writeLock.lock();
      try {
        VolumeState s = state;
        checkRange(offset, len, s.size());
        int[] fresh = {0};
        BlockSpan.split(
            offset,
            len,
            blockSize,
            span -> {
              if (s.active()
                  .write(
                      span.block(),
                      span.offsetInBlock(),
                      src,
                      off + (int) span.bufferOffset(),
                      span.length())) {
                fresh[0]++;
              }
            });
        created = fresh[0];
        return intents.write(offset, len);
      } finally {
        writeLock.unlock();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "write to volume " + record.name());
    } finally {
      ctx.budget.release(reserved - (long) created * blockSize);
      requestFlushIfLarge();
    }
  }

  /** Zeroes a range (trim and write-zeroes): whole blocks become holes, edges are zeroed. */
  void zero(long offset, long length, boolean fua) throws IOException {
    checkOpen();
    checkRange(offset, length, state.size());
    if (length == 0) {
      return;
    }
    // Only a partial head and a partial tail get dirty: whole blocks become holes, so a
    // block-aligned trim passes even in a full pool, and gives space back.
    long reserved = partialBlocks(offset, length) * blockSize;
    ctx.budget.acquire(reserved, ctx.space::admit, this::underPressure);
    long seq;
    int created = 0;
    int dropped = 0;
    try {
      writeLock.lock();
      try {
        VolumeState s = state;
        checkRange(offset, length, s.size());
        seq = 0;
        for (long done = 0; done < length; ) {
          int n = (int) Math.min(length - done, JournalRecord.MAX_LENGTH);
          seq = intents.zero(offset + done, n);
          done += n;
        }
        long firstWhole = TreeShape.blocks(offset, blockSize);
        long endWhole = (offset + length) / blockSize;
        if (firstWhole < endWhole) {
          dropped = s.active().zeroBlocks(firstWhole, endWhole);
        }
        int[] fresh = {0};
        BlockSpan.split(
            offset,
            length,
            blockSize,
            span -> {
              if (span.block() < firstWhole || span.block() >= endWhole) {
                if (s.active().zero(span.block(), span.offsetInBlock(), span.length())) {
                  fresh[0]++;
                }
              }
            });
        created = fresh[0];
      } finally {
        writeLock.unlock();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "zeroing of volume " + record.name());
    } finally {
      ctx.budget.release(reserved - (long) created * blockSize + (long) dropped * blockSize);
    }
    if (fua) {
      makeDurable(seq);
    }
  }

  /** How many of the blocks {@code [offset, offset+length)} touches it covers only in part. */
  private long partialBlocks(long offset, long length) {
    long touched = TreeShape.blocks(offset + length, blockSize) - offset / blockSize;
    long whole = (offset + length) / blockSize - TreeShape.blocks(offset, blockSize);
    return touched - Math.max(0, whole);
  }

  /** Makes every acknowledged write durable (an NBD FLUSH, an fsync). */
  void flush() throws IOException {
    checkOpen();
    makeDurable(intents.lastSeq());
  }

  /**
   * Makes the writes up to {@code seq} durable: their intents appended to the journal and
   * synced, or, when that would mean appending more than a flush's worth of data, a tree
   * commit first (the data is then written once, into packs, instead of into the journal too).
   */
  private void makeDurable(long seq) throws IOException {
    try {
      if (intents.pendingBytes() >= ctx.config.volumeFlushBytes()) {
        flushToTree();
      }
      intents.makeDurable(seq);
    } catch (IOException e) {
      throw StoreErrors.translate(e, "flush of volume " + record.name());
    }
  }

  /**
   * Copies the newest bytes of a range into {@code dst} (for an intent's record); the caller
   * holds {@code writeLock}. The overlays hold them but for ranges a later zeroing dropped.
   */
  private void copyNewest(long offset, byte[] dst, int length) throws IOException {
    BlockSpan.split(offset, length, blockSize, span -> copyNewestSpan(span, dst));
  }

  private void copyNewestSpan(BlockSpan span, byte[] dst) throws IOException {
    int from = span.offsetInBlock();
    int to = from + span.length();
    int at = (int) span.bufferOffset();
    for (int attempt = 0; ; attempt++) {
      VolumeState s = state;
      try {
        DirtyBlock d = s.active().dirty(span.block());
        DirtyBlock f = s.flushing() == null ? null : s.flushing().dirty(span.block());
        if (d != null && d.defines(from, to)) {
          d.copyOut(from, dst, at, span.length());
        } else if (d == null
            && s.active().presence(span.block()) == Overlay.Presence.ABSENT
            && f != null
            && f.defines(from, to)) {
          f.copyOut(from, dst, at, span.length());
        } else {
          reads.readSpan(s, span, dst, 0, false); // the general path, which may read the tree
        }
        return;
      } catch (ReleasedBlockException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  private void underPressure() throws IOException {
    IOException f = lastFlushFailure;
    if (f instanceof VolumeFullException) {
      throw new VolumeFullException(
          "volume " + record.name() + ": the pool is full and buffered writes cannot be flushed",
          f);
    }
    if (f != null) {
      // Waiting would last as long as the failure does: the writer gets the error instead.
      throw new VolumeException(
          VolumeException.Kind.IO,
          "volume " + record.name() + ": buffered writes cannot be flushed: " + f.getMessage(),
          f);
    }
    requestFlush();
  }

  // ---- flushing

  /** Bytes of dirty blocks held in memory. */
  long dirtyBytes() {
    VolumeState s = state;
    return s.active().memoryBytes() + (s.flushing() == null ? 0 : s.flushing().memoryBytes());
  }

  boolean hasDirtyData() {
    VolumeState s = state;
    return !s.active().isEmpty() || s.flushing() != null;
  }

  long nanosSinceFlush() {
    return System.nanoTime() - lastFlushNanos;
  }

  long journalBytes() {
    return journal.bytes();
  }

  private void requestFlushIfLarge() {
    if (state.active().memoryBytes() >= ctx.config.volumeFlushBytes()) {
      requestFlush();
    }
  }

  /** Queues a background flush unless one is queued already. */
  void requestFlush() {
    if (!closed && flushQueued.compareAndSet(false, true)) {
      ctx.flushWorkers.execute(
          () -> {
            flushQueued.set(false);
            try {
              flushToTree();
            } catch (IOException e) {
              LOG.log(
                  Level.WARNING,
                  "background flush of volume {0} failed: {1}",
                  record.name(),
                  e.getMessage());
            }
          });
    }
  }

  /** Turns every dirty block into chunks and commits the new root. */
  void flushToTree() throws IOException {
    maintenance.lock();
    try {
      if (!closed) {
        flushLocked();
      }
    } finally {
      maintenance.unlock();
    }
  }

  /** A flush ({@code docs/format.md} §4.4); the caller holds {@code maintenance}. */
  private void flushLocked() throws IOException {
    VolumeState s;
    Overlay frozen;
    writeLock.lock();
    try {
      s = state;
      if (s.flushing() != null) {
        frozen = s.flushing(); // an earlier attempt failed: retry the same blocks first
      } else if (!s.active().isEmpty()) {
        frozen = s.active();
        flushingCutSeq = intents.lastSeq();
        // No fsync needed for the cut: records are appended only by the intent log, which
        // syncs them before it appends again, so every segment but the newest is durable.
        journal.cut();
        s = new VolumeState(s.root(), s.depth(), s.size(), new Overlay(blockSize), frozen);
        state = s;
      } else {
        lastFlushNanos = System.nanoTime();
        return;
      }
    } finally {
      writeLock.unlock();
    }
    ChunkId root;
    VolumeRecord committed;
    ctx.flushGate.readLock().lock();
    try {
      root = new TreeFlush(ctx, blockSize, policy).build(s, frozen);
      ctx.store.sync();
      committed =
          record.withState(
              root, s.size(), flushingCutSeq, bytesWritten.get(), ctx.config.clock().millis());
      ctx.catalog.change().put(committed).commit();
      lastFlushFailure = null;
    } catch (IOException e) {
      lastFlushFailure = StoreErrors.translate(e, "flush of volume " + record.name());
      throw lastFlushFailure;
    } finally {
      ctx.flushGate.readLock().unlock();
    }
    writeLock.lock();
    try {
      VolumeState now = state;
      state = new VolumeState(root, now.depth(), now.size(), now.active(), null);
      record = committed;
      intents.covered(committed.coveredSeq());
    } finally {
      writeLock.unlock();
    }
    lastFlushNanos = System.nanoTime();
    ctx.space.refreshIfLimited(); // before the release: the flushed bytes count as stored now
    long flushed = frozen.memoryBytes();
    frozen.release(); // readers still in it read again from the new state
    ctx.budget.release(flushed);
    journal.release(committed.coveredSeq());
  }

  // ---- whole-volume changes

  /** Flushes, then returns the committed root and size (for a snapshot). */
  VolumeRecord flushAndGetRecord() throws IOException {
    maintenance.lock();
    try {
      checkOpen();
      flushLocked();
      return record;
    } finally {
      maintenance.unlock();
    }
  }

  void resize(long newSize) throws IOException {
    if (newSize < 0) {
      throw new OutOfRangeException("a volume size cannot be negative");
    }
    maintenance.lock();
    try {
      checkOpen();
      ctx.space.provision(state.size(), newSize); // refused before anything changes
      writeLock.lock(); // no write may land between the flush and the new size
      try {
        flushLocked();
        ctx.flushGate.readLock().lock(); // the new pages must be committed before a GC marks
        try {
          resizeFlushed(newSize);
        } finally {
          ctx.flushGate.readLock().unlock();
        }
      } catch (IOException e) {
        throw StoreErrors.translate(e, "resize of volume " + record.name());
      } finally {
        ctx.space.adjust(newSize, state.size()); // nothing when the resize happened
        writeLock.unlock();
      }
    } finally {
      maintenance.unlock();
    }
  }

  /** The resize itself, with nothing dirty; the caller holds every lock. */
  private void resizeFlushed(long newSize) throws IOException {
    VolumeState s = state;
    int depth = TreeShape.depth(Math.max(TreeShape.blocks(newSize, blockSize), 1));
    ChunkId root = new TreeFlush(ctx, blockSize, policy).resize(s, newSize, depth);
    ctx.store.sync();
    VolumeRecord committed =
        record.withState(
            root, newSize, intents.lastSeq(), bytesWritten.get(), ctx.config.clock().millis());
    ctx.catalog.change().put(committed).commit();
    record = committed;
    intents.covered(committed.coveredSeq());
    state = new VolumeState(root, depth, newSize, s.active(), null);
    LOG.log(
        Level.INFO, "volume {0} resized from {1} to {2} bytes", record.name(), s.size(), newSize);
  }

  /** Sets the volume to {@code target}'s state, discarding every write made since. */
  void rollback(ChunkId root, long size) throws IOException {
    maintenance.lock();
    try {
      checkOpen();
      ctx.space.provision(state.size(), size); // a rollback may grow the volume
      writeLock.lock();
      try {
        VolumeState s = state;
        long cut = intents.lastSeq();
        journal.cut();
        VolumeRecord committed =
            record.withState(root, size, cut, bytesWritten.get(), ctx.config.clock().millis());
        ctx.catalog.change().put(committed).commit();
        record = committed;
        intents.covered(cut);
        state =
            new VolumeState(
                root,
                TreeShape.depth(Math.max(TreeShape.blocks(size, blockSize), 1)),
                size,
                new Overlay(blockSize),
                null);
        ctx.budget.release(release(s)); // after the swap: readers still in them read again
        journal.release(cut);
      } finally {
        ctx.space.adjust(size, state.size()); // nothing when the rollback happened
        writeLock.unlock();
      }
    } finally {
      maintenance.unlock();
    }
  }

  /** Flushes and releases the journal; further use fails. */
  void close() throws IOException {
    maintenance.lock();
    try {
      if (closed) {
        return;
      }
      try {
        flushLocked();
      } finally {
        closed = true;
        journal.close();
      }
    } finally {
      maintenance.unlock();
    }
  }

  /** Drops the engine without flushing (its volume is being deleted). */
  void discard() throws IOException {
    maintenance.lock();
    try {
      closed = true;
      ctx.budget.release(release(state));
      journal.close();
    } finally {
      maintenance.unlock();
    }
  }

  long bytesWritten() {
    return bytesWritten.get();
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

  private void checkOpen() throws VolumeException {
    if (closed) {
      throw new VolumeException(
          VolumeException.Kind.CLOSED, "volume " + record.name() + " is closed");
    }
  }

  static void checkRange(long offset, long length, long size) throws OutOfRangeException {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new OutOfRangeException(
          "range " + offset + "+" + length + " is outside the volume's " + size + " bytes");
    }
  }
}
