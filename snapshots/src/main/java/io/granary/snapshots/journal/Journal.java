package io.granary.snapshots.journal;

import io.granary.dedupe.api.StoreFullException;
import io.granary.snapshots.api.VolumeCorruptException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A volume's write-ahead journal ({@code docs/format.md} §4.3, §4.4): a directory of segments,
 * each named by its first sequence number. Writes are appended to the newest segment;
 * {@link #cut()} starts a new one when a flush begins; {@link #release} deletes the segments a
 * committed root covers; {@link #sync} makes every record up to a sequence durable, with one
 * fsync serving every caller that waits for it (group commit).
 *
 * <p>Prewritten space: a segment is written with zeroes ahead of its records, and records go into
 * that space in place. An fdatasync of an append that grows the file must commit the file system's
 * metadata too, and on ext4 that commit waits for other files' new data (the packs a background
 * flush is writing): measured here ({@code scripts/fdatasync-probe.py}), 128 KiB appended per
 * fdatasync beside a buffered writer took medians of 290–318 µs and means of 0.7–3.7 ms (p99 up to
 * 92 ms), and written in place medians of 218–230 µs and means of 227–254 µs (p99 at most 623 µs).
 * So the space grows ahead of the records, by as much as the segment holds already (at least 256
 * KiB, at most 8 MiB at a time, zeroes written in the same write as the records that need it), and
 * only those FLUSHes pay for the metadata. Replay takes zeroes after the last record for the end of
 * the segment (§4.4); {@link #close} trims them. Nothing is prewritten while the file system has
 * less than 1 GiB free.
 *
 * <p>Thread-safe: appends and cuts hold the journal's lock; fsyncs run outside it. An fsync
 * that finds its segment's channel closed counts as done only when {@link #release} closed it
 * (a durable root covers the records); any other close, an interrupt's included, fails the sync.
 */
public final class Journal implements Closeable {
  private static final System.Logger LOG = System.getLogger(Journal.class.getName());
  static final byte[] MAGIC = "GRNYJRNL".getBytes(StandardCharsets.US_ASCII);
  static final int SEGMENT_HEADER = 32;
  private static final int MIN_PREWRITE = 256 << 10;
  private static final int MAX_PREWRITE = 8 << 20;

  /**
   * Free space below which nothing is prewritten: a nearly full disk's room goes to records,
   * and a FLUSH is refused for want of room only when its records do not fit.
   */
  private static final long PREWRITE_FLOOR = 1L << 30;

  /** Zeroes to write ahead of records; read-only, sliced per write. */
  private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private final Path dir;
  private final long volumeId;

  /** Segments no longer appended to, oldest first. Guarded by {@code this}. */
  private final List<Segment> sealed = new ArrayList<>();

  /** The segment taking appends, or {@code null} until the next append. */
  private Segment active;

  private long lastSeq;
  private long bytes;
  private final Object syncLock = new Object();

  /** Highest sequence known durable; guarded by {@code syncLock}. */
  private long syncedSeq;

  private boolean syncing;
  private IOException syncFailure;
  private final Fsync fsync;

  /** How a segment's records reach the disk: {@code force}, or a test's slower medium. */
  @FunctionalInterface
  interface Fsync {
    void force(FileChannel channel) throws IOException;
  }

  /**
   * One segment file; {@code channel} is null for a segment replayed at open (fsynced then). A
   * closed channel whose segment is not {@code released} lost its records' durability. {@code
   * size} is where its records end, {@code prewritten} where the zeroes after them end.
   */
  private static final class Segment {
    final Path path;
    FileChannel channel;
    long lastSeq;
    long size;
    long prewritten;

    /** Set under the journal's lock before release closes the channel: a root covers it. */
    boolean released;

    Segment(Path path, FileChannel channel, long lastSeq, long size) {
      this.path = path;
      this.channel = channel;
      this.lastSeq = lastSeq;
      this.size = size;
      this.prewritten = size;
    }
  }

  private Journal(Path dir, long volumeId, long lastSeq, Fsync fsync) {
    this.dir = dir;
    this.volumeId = volumeId;
    this.lastSeq = lastSeq;
    this.syncedSeq = lastSeq;
    this.fsync = fsync;
  }

  /**
   * Opens the journal in {@code dir}, replaying to {@code replay}, in order, every record with a
   * sequence above {@code coveredSeq}. Segments wholly covered are deleted; the others stay
   * until a flush covers them. A bad record in the newest segment is a torn write and is cut off
   * with what follows it. A bad record or header in any older segment is damage to records
   * fsynced before that segment stopped being the newest (§4.4): nothing is changed and the open
   * fails with a {@link VolumeCorruptException} naming the damage, after part of the journal
   * may have been replayed (the caller drops what it built).
   */
  public static Journal open(
      Path dir, long volumeId, long coveredSeq, Consumer<JournalEntry> replay) throws IOException {
    return open(dir, volumeId, coveredSeq, replay, ch -> ch.force(false));
  }

  /** {@link #open} with the fsync of segments done by {@code fsync} (tests slow it or fail it). */
  static Journal open(
      Path dir, long volumeId, long coveredSeq, Consumer<JournalEntry> replay, Fsync fsync)
      throws IOException {
    Files.createDirectories(dir);
    JournalReplay.Result replayed = JournalReplay.run(dir, volumeId, coveredSeq, replay);
    List<JournalDamage> damage = replayed.damage();
    if (!damage.isEmpty()) {
      throw new VolumeCorruptException(
          damage.get(0)
              + " (not the newest segment, so not a torn write"
              + (damage.size() > 1 ? "; " + (damage.size() - 1) + " more damaged segments" : "")
              + "); the journal is left as it is");
    }
    long last = coveredSeq;
    List<Segment> kept = new ArrayList<>();
    for (SegmentReader.Scan s : replayed.segments()) {
      if (s.lastSeq() <= coveredSeq) {
        Files.delete(s.path());
      } else {
        if (s.damage() != null) {
          cutTornTail(s);
        }
        kept.add(new Segment(s.path(), null, s.lastSeq(), s.validEnd()));
      }
      last = Math.max(last, s.lastSeq());
    }
    Journal j = new Journal(dir, volumeId, last, fsync);
    for (Segment s : kept) {
      try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.WRITE)) {
        ch.force(false); // what a crashed process left in the page cache is now replayed state
      }
      j.sealed.add(s);
      j.bytes += s.size;
    }
    return j;
  }

  /**
   * Reads the journal in {@code dir} and returns the damage that would keep it from opening,
   * changing nothing (for a scrub). The journal may be open meanwhile: only its newest segment
   * is still written, and a partial record at that segment's end is no damage.
   */
  public static List<JournalDamage> check(Path dir, long volumeId, long coveredSeq)
      throws IOException {
    try {
      return JournalReplay.run(dir, volumeId, coveredSeq, e -> {}).damage();
    } catch (NoSuchFileException noJournal) {
      return List.of(); // never opened, or deleted with its volume meanwhile
    }
  }

  /** Cuts a torn write, and anything after it, off the newest segment. */
  private static void cutTornTail(SegmentReader.Scan s) throws IOException {
    LOG.log(Level.WARNING, "{0}; cut off as a torn write", s.damage());
    try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
      ch.truncate(s.validEnd());
      ch.force(true);
    }
  }

  private ByteBuffer segmentHeader() {
    ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER);
    b.put(MAGIC).putShort((short) 1).putShort((short) 0).putInt(0).putLong(volumeId);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 24);
    b.putInt((int) crc.getValue()).putInt(0);
    return b.flip();
  }

  /** Appends a write; returns its sequence number. Not durable until {@link #sync}. */
  public synchronized long appendWrite(long offset, byte[] data, int off, int len)
      throws IOException {
    byte[] payload =
        off == 0 && len == data.length ? data : Arrays.copyOfRange(data, off, off + len);
    append(List.of(new JournalEntry(lastSeq + 1, offset, len, payload)));
    return lastSeq;
  }

  /** Appends a zeroed range; returns its sequence number. */
  public synchronized long appendZero(long offset, int len) throws IOException {
    append(List.of(new JournalEntry(lastSeq + 1, offset, len, null)));
    return lastSeq;
  }

  /**
   * Appends records with the sequence numbers they carry, which must rise above every record
   * appended before (a volume's intent log numbers its writes, and records a committed tree
   * covered are never appended: the sequence may skip). One write call for the whole batch.
   * Not durable until {@link #sync}. On failure nothing of the batch stays in the segment.
   */
  public synchronized void append(List<JournalEntry> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    ByteBuffer[] bufs = new ByteBuffer[2 * batch.size()];
    long length = 0;
    long seq = lastSeq;
    for (int i = 0; i < batch.size(); i++) {
      JournalEntry e = batch.get(i);
      if (e.seq() <= seq) {
        throw new IllegalArgumentException(
            "journal record " + e.seq() + " does not follow record " + seq);
      }
      seq = e.seq();
      JournalRecord r =
          e.isZero()
              ? new JournalRecord(JournalRecord.Type.ZERO, e.seq(), e.offset(), e.length(), 0)
              : new JournalRecord(
                  JournalRecord.Type.WRITE,
                  e.seq(),
                  e.offset(),
                  e.length(),
                  JournalRecord.crc(e.data(), 0, e.length()));
      bufs[2 * i] = r.encodeHeader();
      bufs[2 * i + 1] =
          e.isZero() ? ByteBuffer.allocate(0) : ByteBuffer.wrap(e.data(), 0, e.length());
      length += bufs[2 * i].remaining() + bufs[2 * i + 1].remaining();
    }
    if (active == null) {
      active = newSegment(batch.get(0).seq());
    }
    Segment s = active;
    long end = s.size + length;
    long writeEnd = end;
    if (end > s.prewritten && dir.toFile().getUsableSpace() >= PREWRITE_FLOOR) {
      // Past the prewritten space: the file grows by the records and the next space at once.
      int ahead = (int) Math.min(MAX_PREWRITE, Math.max(MIN_PREWRITE, end));
      bufs = withZeroes(bufs, ahead);
      writeEnd = end + ahead;
    }
    try {
      s.channel.position(s.size);
      while (s.channel.position() < writeEnd) {
        s.channel.write(bufs);
      }
    } catch (IOException e) {
      try {
        s.channel.truncate(s.size); // the prewritten space too: it may hold part of the batch
        s.prewritten = s.size;
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed); // replay cuts the torn record
      }
      // A full disk is the pool being full (ENOSPC to clients), not a failing medium (EIO).
      throw StoreFullException.classify(
          "cannot append to the journal of volume " + Long.toHexString(volumeId), e);
    }
    bytes += length;
    s.size = end;
    s.prewritten = Math.max(s.prewritten, writeEnd);
    s.lastSeq = seq;
    lastSeq = seq;
  }

  /** {@code bufs} followed by {@code zeroes} zero bytes. */
  private static ByteBuffer[] withZeroes(ByteBuffer[] bufs, int zeroes) {
    int full = ZEROES.capacity();
    int n = (zeroes + full - 1) / full;
    ByteBuffer[] all = Arrays.copyOf(bufs, bufs.length + n);
    for (int i = 0; i < n; i++) {
      all[bufs.length + i] = ZEROES.duplicate().limit(Math.min(full, zeroes - i * full));
    }
    return all;
  }

  private Segment newSegment(long firstSeq) throws IOException {
    Path path = dir.resolve(String.format("%016x.wal", firstSeq));
    Files.deleteIfExists(path); // an empty segment left by a crash right after its creation
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw StoreFullException.classify(
          "cannot create a journal segment of volume " + Long.toHexString(volumeId), e);
    }
    try {
      ByteBuffer h = segmentHeader();
      while (h.hasRemaining()) {
        ch.write(h);
      }
      ch.force(true);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the segment's name must be durable before a record in it is acknowledged
      }
    } catch (IOException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw StoreFullException.classify(
          "cannot start a journal segment of volume " + Long.toHexString(volumeId), e);
    }
    bytes += SEGMENT_HEADER;
    return new Segment(path, ch, firstSeq - 1, SEGMENT_HEADER);
  }

  /**
   * Ends the current segment: later appends go to a new one. Returns the last sequence number
   * written so far, which the flush that follows will cover.
   */
  public synchronized long cut() {
    if (active != null) {
      sealed.add(active);
      active = null;
    }
    return lastSeq;
  }

  /** Deletes every sealed segment whose records are all covered by a committed root. */
  public void release(long coveredSeq) throws IOException {
    List<Segment> gone = new ArrayList<>();
    synchronized (this) {
      while (!sealed.isEmpty() && sealed.get(0).lastSeq <= coveredSeq) {
        Segment s = sealed.remove(0);
        s.released = true; // before the close: an fsync that finds it closed must know why
        bytes -= s.size;
        gone.add(s);
      }
    }
    for (Segment s : gone) {
      if (s.channel != null) {
        s.channel.close();
      }
      Files.deleteIfExists(s.path);
    }
  }

  /**
   * Makes every record up to {@code seq} durable. Concurrent callers share fsyncs: a caller
   * whose record an fsync in progress already covers waits for it instead of starting another.
   * After a failed fsync no later sync succeeds: the pages may be gone. That includes an fsync
   * cut short by a close (an interrupt closes the channel too): its outcome is unknown.
   */
  public void sync(long seq) throws IOException {
    synchronized (syncLock) {
      while (true) {
        if (syncFailure != null) {
          throw new IOException("an earlier journal fsync failed", syncFailure);
        }
        if (syncedSeq >= seq) {
          return;
        }
        if (!syncing) {
          break;
        }
        try {
          syncLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for a journal sync");
        }
      }
      syncing = true;
    }
    long target = -1; // stays -1 unless every fsync returned
    IOException failure = null;
    try {
      target = forceSegments();
    } catch (IOException e) {
      failure = e;
      throw e;
    } finally {
      // Every way out ends this sync, or each later FLUSH of the volume waits forever. A
      // RuntimeException is a bug, not a failed fsync: it reaches the caller and poisons nothing.
      synchronized (syncLock) {
        syncing = false;
        if (failure != null) {
          syncFailure = failure;
        } else if (target >= 0) {
          syncedSeq = Math.max(syncedSeq, target);
        }
        syncLock.notifyAll();
      }
    }
  }

  /** fsyncs every segment that may hold unsynced records; returns the sequence now durable. */
  private long forceSegments() throws IOException {
    long target;
    List<Segment> toForce = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>(); // as they were: a close may happen meanwhile
    synchronized (this) {
      target = lastSeq;
      for (Segment s : sealed) {
        if (s.channel != null) {
          toForce.add(s);
          channels.add(s.channel);
        }
      }
      if (active != null) {
        toForce.add(active);
        channels.add(active.channel);
      }
    }
    for (int i = 0; i < toForce.size(); i++) {
      Segment s = toForce.get(i);
      try {
        fsync.force(channels.get(i));
      } catch (ClosedChannelException closed) {
        if (!releasedMeanwhile(s)) {
          throw notSynced(s, closed);
        }
        // a flush covered and released it meanwhile: its records are in a durable root
      }
    }
    return target;
  }

  private synchronized boolean releasedMeanwhile(Segment s) {
    return s.released;
  }

  /** The failure of an fsync whose channel something other than a release closed. */
  private IOException notSynced(Segment s, ClosedChannelException closed) {
    if (closed instanceof ClosedByInterruptException) {
      Thread.currentThread().interrupt(); // the caller's thread was asked to stop: keep it so
      InterruptedIOException e =
          new InterruptedIOException(
              "interrupted in the fsync of journal segment "
                  + s.path
                  + ": its records are not known to be durable");
      e.initCause(closed);
      return e;
    }
    return new IOException(
        "journal segment "
            + s.path
            + " was closed before its fsync finished: its records are not known to be durable",
        closed);
  }

  public synchronized long lastSeq() {
    return lastSeq;
  }

  /** Bytes in all segments, for the flusher's trigger. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Deletes every segment (after a rollback committed a root that covers everything). */
  public void discardAll() throws IOException {
    cut();
    release(Long.MAX_VALUE);
  }

  /**
   * Closes every segment without fsyncing it: a sync still running, or called later, for
   * records no durable root covers fails instead of counting the closed segments as synced.
   */
  @Override
  public synchronized void close() throws IOException {
    cut();
    for (Segment s : sealed) {
      if (s.channel != null) {
        trimPrewritten(s);
        s.channel.close(); // kept, not nulled: a later sync must find it closed, not skip it
      }
    }
  }

  /** Drops a segment's unused prewritten space; replay reads it as the end if this fails. */
  private static void trimPrewritten(Segment s) {
    if (s.prewritten > s.size && s.channel.isOpen()) {
      try {
        s.channel.truncate(s.size);
        s.prewritten = s.size;
      } catch (IOException leftAsItIs) {
        LOG.log(Level.DEBUG, "prewritten space of {0} not trimmed: {1}", s.path, leftAsItIs);
      }
    }
  }
}
