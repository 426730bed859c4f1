package io.granary.snapshots.volume;

import io.granary.snapshots.api.FlushPublisher;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeFullException;
import io.granary.snapshots.journal.JournalRecord;
import io.granary.snapshots.overlay.DirtyBlock;
import io.granary.snapshots.overlay.Overlay;
import io.granary.snapshots.overlay.ReleasedBlockException;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;

/**
 * The write side of a volume: a write or a zeroing changes the active overlay and adds an
 * intent to the {@link IntentLog}; it touches no disk. A FLUSH or an FUA write has the intent
 * log append and sync what is pending (or, with a large backlog or large writes, commits a tree
 * first: {@code docs/format.md} §4.3).
 *
 * <p>Memory: a write takes dirty memory for every block it touches before it takes {@code
 * writeLock} (waiting there, and asking for a flush, when the budget is spent) and gives back
 * what it did not use: blocks already dirty cost nothing more. Writes pass the pool's capacity
 * check as they take dirty memory ({@link SpaceGate#admit}).
 *
 * <p>Locks: the overlay change and the intent are made under {@code writeLock}, in the same
 * order, so replay ends where memory is. Nothing here waits for a flush while holding it.
 * A caller that must not wait at all (an event loop) uses {@link #tryWrite}, which takes the
 * memory and the lock only if both are free at once, and otherwise does nothing.
 *
 * <p>Not done here: reads, and the flush itself ({@link VolumeFlush}).
 */
final class VolumeWrites {
  /** Pending writes from which a FLUSH of large writes commits a tree ({@link #commitsInstead}). */
  private static final long DIRECT_COMMIT_BYTES = 16L << 20;

  private final VolumeHead v;
  private final VolumeFlush flush;
  private final VolumeReads reads;

  VolumeWrites(VolumeHead v, VolumeFlush flush, VolumeReads reads) {
    this.v = v;
    this.flush = flush;
    this.reads = reads;
  }

  void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    v.checkOpen();
    VolumeEngine.checkRange(offset, len, v.state.size());
    long seq = 0;
    for (long done = 0; done < len; ) {
      int n = (int) Math.min(len - done, JournalRecord.MAX_LENGTH);
      seq = writeRecord(offset + done, src, off + (int) done, n);
      done += n;
    }
    v.bytesWritten.addAndGet(len);
    if (fua && seq > 0) {
      makeDurable(seq);
    }
  }

  private long writeRecord(long offset, byte[] src, int off, int len) throws IOException {
    long reserved = touchedBytes(offset, len);
    v.ctx.budget.acquire(reserved, v.ctx.space::admit, this::underPressure);
    int[] created = {0};
    try {
      v.writeLock.lock();
      try {
        return applyLocked(offset, src, off, len, created);
      } finally {
        v.writeLock.unlock();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "write to volume " + v.name());
    } finally {
      afterWrite(reserved, created[0]);
    }
  }

  /**
   * A write without FUA, if it needs no waiting ({@code Volume.tryWrite}): the dirty memory
   * free and under the throttle's threshold, the write lock free at once. False, having
   * written nothing, otherwise.
   */
  boolean tryWrite(long offset, byte[] src, int off, int len) throws IOException {
    v.checkOpen();
    VolumeEngine.checkRange(offset, len, v.state.size());
    if (len > JournalRecord.MAX_LENGTH) {
      return false;
    }
    long reserved = touchedBytes(offset, len);
    int[] created = {0};
    try {
      if (!v.ctx.budget.tryAcquire(reserved, v.ctx.space::admit)) {
        return false;
      }
      if (!v.writeLock.tryLock()) {
        v.ctx.budget.release(reserved);
        return false;
      }
      try {
        applyLocked(offset, src, off, len, created);
      } catch (IOException | RuntimeException e) {
        v.ctx.budget.release(reserved);
        throw e;
      } finally {
        v.writeLock.unlock();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "write to volume " + v.name());
    }
    afterWrite(reserved, created[0]);
    v.bytesWritten.addAndGet(len);
    return true;
  }

  /** The dirty memory a write of {@code len} bytes at {@code offset} may take: its blocks. */
  private long touchedBytes(long offset, int len) {
    return (TreeShape.blocks(offset + len, v.blockSize) - offset / v.blockSize) * v.blockSize;
  }

  /**
   * Changes the active overlay and adds the intent; the caller holds {@code writeLock}.
   * Counts the blocks it made dirty in {@code created[0]}; returns the intent's sequence.
   */
  private long applyLocked(long offset, byte[] src, int off, int len, int[] created)
      throws IOException {
    VolumeState s = v.state;
    VolumeEngine.checkRange(offset, len, s.size());
    BlockSpan.split(
        offset,
        len,
        v.blockSize,
        span -> {
          if (s.active()
              .write(
                  span.block(),
                  span.offsetInBlock(),
                  src,
                  off + (int) span.bufferOffset(),
                  span.length())) {
            created[0]++;
          }
        });
    return v.intents.write(offset, len);
  }

  /** Gives back the memory a write reserved but did not make dirty; asks for a flush if due. */
  private void afterWrite(long reserved, int created) {
    v.ctx.budget.release(reserved - (long) created * v.blockSize);
    if (v.state.active().memoryBytes() >= v.ctx.config.volumeFlushBytes()) {
      flush.request();
    }
  }

  /** Zeroes a range (trim and write-zeroes): whole blocks become holes, edges are zeroed. */
  void zero(long offset, long length, boolean fua) throws IOException {
    v.checkOpen();
    VolumeEngine.checkRange(offset, length, v.state.size());
    if (length == 0) {
      return;
    }
    int blockSize = v.blockSize;
    // Only a partial head and a partial tail get dirty: whole blocks become holes, so a
    // block-aligned trim passes even in a full pool, and gives space back.
    long reserved = partialBlocks(offset, length) * blockSize;
    v.ctx.budget.acquire(reserved, v.ctx.space::admit, this::underPressure);
    long seq;
    int created = 0;
    int dropped = 0;
    try {
      v.writeLock.lock();
      try {
        VolumeState s = v.state;
        VolumeEngine.checkRange(offset, length, s.size());
        seq = 0;
        for (long done = 0; done < length; ) {
          int n = (int) Math.min(length - done, JournalRecord.MAX_LENGTH);
          seq = v.intents.zero(offset + done, n);
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
        v.writeLock.unlock();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "zeroing of volume " + v.name());
    } finally {
      v.ctx.budget.release(reserved - (long) created * blockSize + (long) dropped * blockSize);
    }
    if (fua) {
      makeDurable(seq);
    }
  }

  /** How many of the blocks {@code [offset, offset+length)} touches it covers only in part. */
  private long partialBlocks(long offset, long length) {
    int blockSize = v.blockSize;
    long touched = TreeShape.blocks(offset + length, blockSize) - offset / blockSize;
    long whole = (offset + length) / blockSize - TreeShape.blocks(offset, blockSize);
    return touched - Math.max(0, whole);
  }

  /** Makes every acknowledged write durable (an NBD FLUSH, an fsync). */
  void flush() throws IOException {
    v.checkOpen();
    makeDurable(v.intents.lastSeq());
  }

  /**
   * Makes the writes up to {@code seq} durable: their intents appended to the journal and
   * synced, or a tree commit first when that writes the data once, into packs, instead of into
   * the journal and later the packs ({@link #commitsInstead}). On a pool whose durability is
   * remote, always a tree commit, then published beyond this machine.
   */
  private void makeDurable(long seq) throws IOException {
    try {
      FlushPublisher publisher = v.ctx.flushPublisher;
      if (publisher != null || commitsInstead(v.intents.pendingBytes())) {
        flush.flush();
      }
      v.intents.makeDurable(seq, this::copyNewest);
      if (publisher != null) {
        publisher.publish();
      }
    } catch (IOException e) {
      throw StoreErrors.translate(e, "flush of volume " + v.name());
    }
  }

  /**
   * Whether a FLUSH with {@code pending} bytes of writes to append should commit a tree instead:
   * when they are more than a flush's worth, or at least {@link #DIRECT_COMMIT_BYTES} and the
   * dirty blocks hold at most twice as much (large writes, whose blocks the tree writes about
   * as many bytes as the journal would, as OpenZFS writes large blocks in place of log records).
   * Many small writes scattered over many blocks stay in the journal: a tree would write four
   * times their bytes, or more, on the FLUSH's path. A/B over NBD (fio write 1m QD8, FLUSH every
   * 32, 5 repetitions): about the same MB/s while the writes are acknowledged (−6 %, within the
   * row's noise), a third less CPU per cell once the data is in the store, and no background
   * flush left behind.
   */
  private boolean commitsInstead(long pending) {
    return pending >= v.ctx.config.volumeFlushBytes()
        || (pending >= DIRECT_COMMIT_BYTES && v.state.active().memoryBytes() <= 2 * pending);
  }

  /**
   * Copies the newest bytes of a range into {@code dst} (for an intent's record); the caller
   * holds {@code writeLock}. The overlays hold them but for ranges a later zeroing dropped.
   */
  private void copyNewest(long offset, byte[] dst, int length) throws IOException {
    BlockSpan.split(offset, length, v.blockSize, span -> copyNewestSpan(span, dst));
  }

  private void copyNewestSpan(BlockSpan span, byte[] dst) throws IOException {
    int from = span.offsetInBlock();
    int to = from + span.length();
    int at = (int) span.bufferOffset();
    for (int attempt = 0; ; attempt++) {
      VolumeState s = v.state;
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

  /** Called while a writer waits for dirty memory: asks for a flush, or fails if one cannot. */
  private void underPressure() throws IOException {
    IOException f = flush.lastFailure();
    if (f instanceof VolumeFullException) {
      throw new VolumeFullException(
          "volume " + v.name() + ": the pool is full and buffered writes cannot be flushed", f);
    }
    if (f != null) {
      // Waiting would last as long as the failure does: the writer gets the error instead.
      throw new VolumeException(
          VolumeException.Kind.IO,
          "volume " + v.name() + ": buffered writes cannot be flushed: " + f.getMessage(),
          f);
    }
    flush.request();
  }
}
