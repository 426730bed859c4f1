package io.granary.snapshots.volume;

import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.journal.JournalEntry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A volume's acknowledged writes that are in neither the journal nor a committed tree: one
 * intent record per write or zeroing, in sequence order, in memory (OpenZFS's itxs). A write
 * without FUA costs no I/O: it changes the overlay and adds an intent. {@link #makeDurable} (a
 * FLUSH, an FUA write) appends every pending intent to the journal with the newest bytes of its
 * range and syncs the journal once for all of them; a tree commit that covers a sequence drops
 * the intents up to it ({@link #covered}), which then never reach the journal at all.
 *
 * <p>Why the newest bytes and not the bytes written: a record is appended only when a caller
 * needs it durable, and by then a later write may have changed its range. The later write has
 * an intent of its own, appended after it, so replay ends at the same bytes; and a batch cut
 * short by a crash leaves each sector at some value written to it after the last durable one,
 * which is what a disk promises for writes it did not acknowledge as flushed.
 *
 * <p>Locks: intents are added under the volume's write lock, so their order is the overlay's;
 * {@code logLock} lets one caller at a time append and sync, and those queued behind it find
 * their intents already durable when their turn comes (group commit). The bytes are copied
 * under the write lock, so no write changes them half-way; the appending and the fsync are
 * not. The pending queue and counters are guarded by this object's monitor.
 *
 * <p>Not done here: deciding between appending and committing a tree ({@link VolumeWrites}
 * commits a tree first when the backlog is large), replay (the journal), and memory for the
 * bytes (the overlay holds them; an intent is a range).
 */
final class IntentLog {
  /** One acknowledged write ({@code zero == false}) or zeroing of {@code length} bytes. */
  private record Intent(long seq, long offset, int length, boolean zero) {}

  /** Where the newest bytes of a range come from; called under the volume's write lock. */
  @FunctionalInterface
  interface Source {
    void copyNewest(long offset, byte[] dst, int length) throws IOException;
  }

  private final Journal journal;
  private final Lock writeLock;
  private final ReentrantLock logLock = new ReentrantLock();
  private final ArrayDeque<Intent> pending = new ArrayDeque<>();
  private long seq;
  private long pendingBytes;
  private volatile long durableSeq;

  /** An empty log whose next intent follows {@code lastSeq}, all of it durable. */
  IntentLog(Journal journal, long lastSeq, Lock writeLock) {
    this.journal = journal;
    this.writeLock = writeLock;
    this.seq = lastSeq;
    this.durableSeq = lastSeq;
  }

  /** Adds a write's intent; the caller holds the write lock. Returns its sequence number. */
  synchronized long write(long offset, int length) {
    return add(new Intent(seq + 1, offset, length, false));
  }

  /** Adds a zeroing's intent; the caller holds the write lock. */
  synchronized long zero(long offset, int length) {
    return add(new Intent(seq + 1, offset, length, true));
  }

  private long add(Intent i) {
    pending.addLast(i);
    pendingBytes += i.zero() ? 0 : i.length();
    seq = i.seq();
    return seq;
  }

  /** The newest sequence number given. */
  synchronized long lastSeq() {
    return seq;
  }

  /** Bytes of writes that a FLUSH would append to the journal now. */
  synchronized long pendingBytes() {
    return pendingBytes;
  }

  /** A committed tree holds everything up to {@code seq}: those intents need no record. */
  synchronized void covered(long upTo) {
    while (!pending.isEmpty() && pending.peekFirst().seq() <= upTo) {
      Intent i = pending.removeFirst();
      pendingBytes -= i.zero() ? 0 : i.length();
    }
    durableSeq = Math.max(durableSeq, Math.min(upTo, seq));
  }

  /**
   * Makes every intent up to {@code upTo} durable: appends all pending intents to the journal,
   * with their bytes from {@code source}, and syncs it, unless a caller before did so already.
   */
  void makeDurable(long upTo, Source source) throws IOException {
    if (durableSeq >= upTo) {
      return;
    }
    logLock.lock();
    try {
      if (durableSeq >= upTo) {
        return;
      }
      List<JournalEntry> batch = new ArrayList<>();
      long through = capture(batch, source);
      long appended = journal.lastSeq(); // an append whose sync failed: the journal is poisoned
      batch.removeIf(e -> e.seq() <= appended);
      journal.append(batch);
      journal.sync(journal.lastSeq());
      synchronized (this) {
        // Dropped here, not at capture: a failed append must leave them pending.
        while (!pending.isEmpty() && pending.peekFirst().seq() <= through) {
          Intent i = pending.removeFirst();
          pendingBytes -= i.zero() ? 0 : i.length();
        }
        durableSeq = Math.max(durableSeq, through);
      }
    } finally {
      logLock.unlock();
    }
  }

  /** Copies every pending intent into records; returns the sequence they run up to. */
  private long capture(List<JournalEntry> batch, Source source) throws IOException {
    writeLock.lock();
    try {
      List<Intent> now;
      long through;
      synchronized (this) {
        now = new ArrayList<>(pending);
        through = seq;
      }
      for (Intent i : now) {
        byte[] data = null;
        if (!i.zero()) {
          data = new byte[i.length()];
          source.copyNewest(i.offset(), data, i.length());
        }
        batch.add(new JournalEntry(i.seq(), i.offset(), i.length(), data));
      }
      return through;
    } finally {
      writeLock.unlock();
    }
  }
}
