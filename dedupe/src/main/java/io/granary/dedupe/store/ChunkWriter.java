package io.granary.dedupe.store;

import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.index.PendingIndex;
import io.granary.dedupe.index.PendingIndex.Pending;
import io.granary.dedupe.index.StoreCounters;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.PackWriter;
import io.granary.dedupe.pack.RecordHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The write side of the store: appends records, keeps their entries pending, and commits them
 * to the index after fsyncing every pack they lie in ({@code docs/format.md} §2.2–2.4).
 *
 * <p>The append lock makes the re-check, the write and the pending entry one step, so no
 * content is appended twice and every appended record is pending by the time the lock is
 * released. Appends carry a sequence number; a commit covers exactly the appends that happened
 * before its fsync began. Commits themselves are serialized by the caller.
 */
final class ChunkWriter implements Closeable {
  private final ChunkIndex index;
  private final PackWriter packs;
  private final PendingIndex pending = new PendingIndex();
  private final ReentrantLock appendLock = new ReentrantLock();
  private final AtomicLong uncommittedIngested = new AtomicLong();
  private final AtomicLong commitsApplied = new AtomicLong();

  /** Sequence number of the last append; guarded by {@code appendLock}. */
  private long seq;

  /**
   * A failed fsync: the kernel may have dropped those pages, and a retried fsync would report
   * success regardless. From then on nothing is acknowledged as durable until the store is
   * reopened and recovery has rescanned the packs.
   */
  private volatile IOException syncFailure;

  ChunkWriter(ChunkIndex index, PackWriter packs) {
    this.index = index;
    this.packs = packs;
  }

  /** The entry for {@code id}: an uncommitted one first, then the index's. */
  IndexEntry lookup(ChunkId id) throws IOException {
    Pending p = pending.get(id);
    return p != null ? p.entry() : index.get(id);
  }

  /** {@link #lookup} of each id, with one read of the index for those not pending. */
  IndexEntry[] lookupAll(List<ChunkId> ids) throws IOException {
    IndexEntry[] entries = new IndexEntry[ids.size()];
    List<ChunkId> unpending = new ArrayList<>(ids.size());
    for (int i = 0; i < entries.length; i++) {
      Pending p = pending.get(ids.get(i));
      if (p != null) {
        entries[i] = p.entry();
      } else {
        unpending.add(ids.get(i));
      }
    }
    IndexEntry[] indexed = index.getAll(unpending);
    for (int i = 0, k = 0; i < entries.length; i++) {
      if (entries[i] == null) {
        entries[i] = indexed[k++];
      }
    }
    return entries;
  }

  /**
   * How many commits have reached the index. Taken before a lookup that found an id nowhere:
   * ids enter the index only through a commit, which applies them before it drops them from
   * the pending entries, so an id still not pending when the count has not moved is still not
   * in the index, and {@link #appendIfAbsent} need not read the index again under its lock.
   */
  long commitsApplied() {
    return commitsApplied.get();
  }

  /**
   * A record to append: its chunk's id, header and (encoded) payload, and
   * {@link #commitsApplied} as it was before the lookup that did not find the id (or found it
   * damaged).
   */
  record NewRecord(ChunkId id, RecordHeader header, ByteBuffer payload, long commitsSeen) {}

  /**
   * Appends each record unless a copy that is not {@code damaged} exists by then (another
   * thread's, or an earlier one of the same batch), all under one hold of the append lock.
   *
   * @return the ids appended
   */
  List<ChunkId> appendIfAbsent(List<NewRecord> records, Predicate<ChunkId> damaged)
      throws IOException {
    List<ChunkId> appended = new ArrayList<>(records.size());
    appendLock.lock();
    try {
      checkNoSyncFailure();
      for (NewRecord r : records) {
        Pending p = pending.get(r.id());
        boolean damagedCopy = damaged.test(r.id());
        // The index is read again only if a commit may have added the id since the caller's
        // lookup, or to tell whether a damaged copy is indexed (for the counters).
        boolean indexed =
            p == null
                && (damagedCopy || commitsApplied.get() != r.commitsSeen())
                && index.get(r.id()) != null;
        if ((p != null || indexed) && !damagedCopy) {
          continue; // stored first by another thread, or earlier in this batch
        }
        append(
            r.id(),
            r.header().encode(),
            r.payload(),
            r.header(),
            p != null ? p.replaces() : indexed);
        appended.add(r.id());
      }
      return appended;
    } finally {
      appendLock.unlock();
    }
  }

  /** Copies a record found at {@code from} to the active pack, if the index still points there. */
  boolean relocate(ChunkId id, PackLocation from, PackScanner.ScannedRecord record)
      throws IOException {
    appendLock.lock();
    try {
      Pending prev = pending.get(id);
      IndexEntry current = prev != null ? prev.entry() : index.get(id);
      if (current == null || !current.location().equals(from)) {
        return false;
      }
      ByteBuffer bytes = record.bytes();
      append(
          id,
          bytes.duplicate().limit(RecordHeader.SIZE),
          bytes.duplicate().position(RecordHeader.SIZE),
          record.header(),
          prev == null || prev.replaces()); // found in the index, or pending over it
      return true;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Appends a record and keeps its entry pending; {@code replaces} says whether the index holds
   * the id already (a copy that was damaged or is being relocated), for the commit's counters.
   */
  private void append(
      ChunkId id, ByteBuffer header, ByteBuffer payload, RecordHeader h, boolean replaces)
      throws IOException {
    PackLocation loc = packs.append(header, payload);
    pending.put(new Pending(id, IndexEntry.of(loc, h), ++seq, replaces));
  }

  /** Counts bytes put (duplicates included) until the next commit records them. */
  void countIngested(long bytes) {
    uncommittedIngested.addAndGet(bytes);
  }

  int pendingCount() {
    return pending.size();
  }

  /** What the uncommitted appends and ingested bytes add to the index's counters. */
  StoreCounters uncommittedCounters() {
    StoreCounters c = pending.uncommittedCounters();
    c.addIngested(uncommittedIngested.get());
    return c;
  }

  /** Where the next record will start (a collection's boundary). */
  PackLocation end() throws IOException {
    appendLock.lock();
    try {
      return packs.end();
    } finally {
      appendLock.unlock();
    }
  }

  /** Seals the active pack ({@link PackWriter#sealActive}); the next commit syncs it. */
  int sealActive() {
    appendLock.lock();
    try {
      return packs.sealActive();
    } finally {
      appendLock.unlock();
    }
  }

  int activePackId() {
    appendLock.lock();
    try {
      return packs.activePackId();
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * fsyncs the active pack, then commits every entry appended before the fsync began, with the
   * packs' new indexed-up-to offsets and {@code rows}, in one index transaction; then seals in
   * the medium the packs that were sealed before the fsync. The caller serializes commits.
   */
  void commit(CatalogBatch rows) throws IOException {
    long upTo;
    PackWriter.Unsynced unsynced;
    appendLock.lock();
    try {
      upTo = seq;
      unsynced = packs.takeUnsynced();
    } finally {
      appendLock.unlock();
    }
    checkNoSyncFailure();
    try {
      unsynced.force();
    } catch (IOException e) {
      syncFailure = e;
      throw e;
    }
    List<Pending> committed = pending.upTo(upTo);
    IndexBatch batch = new IndexBatch().withRows(rows);
    Map<Integer, Long> ends = new HashMap<>();
    for (Pending p : committed) {
      batch.put(p.id(), p.entry());
      PackLocation loc = p.entry().location();
      ends.merge(loc.packId(), loc.offset() + p.entry().recordLength(), Math::max);
    }
    ends.forEach(batch::indexedUpTo);
    long ingested = uncommittedIngested.getAndSet(0);
    batch.addIngested(ingested);
    try {
      index.apply(batch);
    } catch (IOException | RuntimeException e) {
      uncommittedIngested.addAndGet(ingested);
      throw e;
    }
    commitsApplied.incrementAndGet(); // before the entries leave pending: see commitsApplied()
    pending.removeCommitted(committed);
    unsynced.seal();
  }

  private void checkNoSyncFailure() throws IOException {
    IOException f = syncFailure;
    if (f != null) {
      throw new IOException(
          "a pack fsync failed earlier ("
              + f.getMessage()
              + "); writes stay refused until the store is reopened",
          f);
    }
  }

  @Override
  public void close() throws IOException {
    appendLock.lock();
    try {
      packs.close();
    } finally {
      appendLock.unlock();
    }
  }
}
