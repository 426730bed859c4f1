package io.granary.snapshots.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.VolumeCorruptException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JournalTest {
  @TempDir Path dir;

  private static List<JournalEntry> replay(Path dir, long covered) throws Exception {
    List<JournalEntry> out = new ArrayList<>();
    Journal.open(dir, 7, covered, out::add).close();
    return out;
  }

  @Test
  void recordsReplayInOrderAcrossSegmentsAndCoveredOnesAreSkipped() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      assertEquals(1, j.appendWrite(100, new byte[] {1, 2, 3}, 0, 3));
      assertEquals(2, j.appendZero(4096, 8192));
      assertEquals(2, j.cut());
      assertEquals(3, j.appendWrite(0, new byte[] {9}, 0, 1));
      j.sync(3);
    }
    List<JournalEntry> all = replay(dir, 0);
    assertEquals(3, all.size());
    assertArrayEquals(new byte[] {1, 2, 3}, all.get(0).data());
    assertEquals(8192, all.get(1).length());
    assertNull(all.get(1).data());
    assertEquals(3, all.get(2).seq());
    List<JournalEntry> tail = replay(dir, 2);
    assertEquals(1, tail.size());
    assertEquals(3, tail.get(0).seq());
    // the first segment was wholly covered and is gone
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void releaseDeletesOnlyCoveredSegmentsAndSequencesContinueAfterReopen() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      j.appendWrite(0, new byte[10], 0, 10);
      long cut = j.cut();
      j.appendWrite(10, new byte[10], 0, 10);
      j.release(cut);
      try (var s = Files.list(dir)) {
        assertEquals(1, s.count());
      }
    }
    try (Journal j = Journal.open(dir, 7, 1, e -> {})) {
      assertEquals(3, j.appendWrite(20, new byte[1], 0, 1));
    }
  }

  /** A crash mid-append leaves a prefix of a record; replay stops before it and cuts it. */
  @ParameterizedTest
  @ValueSource(ints = {1, 20, 35, 36, 37, 1000})
  void aTornTailIsCutAndNeverReplayed(int keep) throws Exception {
    byte[] big = new byte[2000];
    Arrays.fill(big, (byte) 5);
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      j.appendWrite(0, new byte[] {1}, 0, 1);
      j.appendWrite(1, big, 0, big.length);
    }
    Path seg;
    try (var s = Files.list(dir)) {
      seg = s.findFirst().orElseThrow();
    }
    long full = Files.size(seg);
    long cutAt = full - big.length - JournalRecord.HEADER_SIZE + keep;
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(cutAt);
    }
    List<JournalEntry> got = replay(dir, 0);
    assertEquals(1, got.size());
    assertEquals(full - big.length - JournalRecord.HEADER_SIZE, Files.size(seg));
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      assertEquals(2, j.appendWrite(5, new byte[] {7}, 0, 1), "the torn sequence is reused");
    }
    assertEquals(2, replay(dir, 0).size());
  }

  @Test
  void aFlippedByteEndsReplayOfThatSegment() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      j.appendWrite(0, new byte[100], 0, 100);
      j.appendWrite(0, new byte[100], 0, 100);
    }
    Path seg;
    try (var s = Files.list(dir)) {
      seg = s.findFirst().orElseThrow();
    }
    try (FileChannel ch =
        FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = Files.size(seg) - 50; // inside the second payload
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, at);
    }
    assertEquals(1, replay(dir, 0).size());
  }

  @Test
  void recordHeadersRejectEveryBitFlip() {
    byte[] good =
        new JournalRecord(JournalRecord.Type.WRITE, 9, 4096, 512, 0x1234).encodeHeader().array();
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        assertNull(JournalRecord.decodeHeader(ByteBuffer.wrap(bad)), "byte " + i + " bit " + bit);
      }
    }
  }

  /**
   * A segment is written ahead of its records: a FLUSH's records go into space already in the
   * file (its fdatasync then needs no metadata), and only a batch past that space grows it.
   */
  @Test
  void recordsGoIntoPrewrittenSpaceAndOnlyABatchPastItGrowsTheFile() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      j.appendWrite(0, new byte[4096], 0, 4096);
      Path seg = segments().get(0);
      long first = Files.size(seg);
      assertTrue(first >= 32 + 36 + 4096 + (256 << 10), "no space written ahead: " + first);
      for (int i = 0; i < 50; i++) {
        j.appendWrite(0, new byte[4096], 0, 4096);
      }
      assertEquals(first, Files.size(seg), "records that fit went in place");
      j.appendWrite(0, new byte[1 << 20], 0, 1 << 20);
      long records = 32 + 52L * 36 + 51 * 4096 + (1 << 20);
      assertTrue(Files.size(seg) >= records + (256 << 10), "grown with space ahead again");
      j.sync(j.lastSeq());
    }
    assertEquals(32 + 52L * 36 + 51 * 4096 + (1 << 20), Files.size(segments().get(0)), "trimmed");
    assertEquals(52, replay(dir, 0).size());
  }

  /**
   * What a killed process leaves: every segment with zeroes after its records. They replay in
   * full and are no damage, in the newest segment or an older one.
   */
  @Test
  void zeroesAfterTheRecordsOfAnySegmentEndItWithoutDamage() throws Exception {
    Path killed = killedThreeSegments();
    assertEquals(List.of(), Journal.check(killed, 7, 0));
    List<JournalEntry> got = new ArrayList<>();
    Journal.open(killed, 7, 0, got::add).close();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), got.stream().map(JournalEntry::seq).toList());
    try (Journal j = Journal.open(killed, 7, 0, e -> {})) {
      assertEquals(6, j.appendWrite(0, new byte[] {6}, 0, 1), "sequences go on after the last");
    }
  }

  /** A byte that is not zero after zeroes: the zeroes were not the end, so it is a bad record. */
  @Test
  void somethingAfterTheZeroesIsDamageInAnOlderSegmentAndATornWriteInTheNewest() throws Exception {
    Path killed = killedThreeSegments();
    List<Path> segs;
    try (var s = Files.list(killed)) {
      segs = s.sorted().toList();
    }
    long end = 32 + 2 * 136; // records 1 and 2 in the first segment, 3 and 4, then 5
    flip(segs.get(0), end + 100_000);
    assertEquals(
        List.of(
            new JournalDamage(
                segs.get(0), end, "no valid record header (magic, checksum or fields)")),
        Journal.check(killed, 7, 0));
    assertThrows(VolumeCorruptException.class, () -> Journal.open(killed, 7, 0, e -> {}));
    flip(segs.get(0), end + 100_000); // as it was
    flip(segs.get(2), end + 100_000);
    assertEquals(List.of(), Journal.check(killed, 7, 0), "the newest segment's tail is torn");
    List<JournalEntry> got = new ArrayList<>();
    Journal.open(killed, 7, 0, got::add).close();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), got.stream().map(JournalEntry::seq).toList());
    assertEquals(32 + 136, Files.size(segs.get(2)), "cut after its last record, 5");
  }

  /**
   * Records 1 and 2 in the first segment, 3 and 4 in the second, 5 in the third, copied while the
   * journal is open, as a kill leaves them.
   */
  private Path killedThreeSegments() throws Exception {
    Path killed = Files.createDirectory(dir.resolve("killed"));
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      appendFiveRecords(j, 4);
      for (Path p : segments()) {
        if (Files.isRegularFile(p)) {
          assertTrue(Files.size(p) > 32 + 2 * 136, "written ahead: " + p);
          Files.copy(p, killed.resolve(p.getFileName()));
        }
      }
    }
    return killed;
  }

  /** Records 1 and 2 in the first segment, 3 in the second, 4 and 5 in the third: 100 bytes each. */
  private List<Path> threeSegments() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      appendFiveRecords(j, 3);
    }
    return segments();
  }

  /**
   * Records 1 to 5 of 100 bytes, each filled with its number, a cut after 2 and after {@code
   * secondCut}, all synced.
   */
  private static void appendFiveRecords(Journal j, int secondCut) throws IOException {
    for (int seq = 1; seq <= 5; seq++) {
      byte[] data = new byte[100];
      Arrays.fill(data, (byte) seq);
      j.appendWrite(seq * 100L, data, 0, data.length);
      if (seq == 2 || seq == secondCut) {
        j.cut();
      }
    }
    j.sync(5);
  }

  private List<Path> segments() throws Exception {
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private Map<Path, byte[]> contents() throws Exception {
    Map<Path, byte[]> all = new TreeMap<>();
    for (Path p : segments()) {
      all.put(p, Files.readAllBytes(p));
    }
    return all;
  }

  private static void flip(Path f, long at) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, at);
    }
  }

  /** Ways the first (older) segment gets damaged, and where and what open reports. */
  enum Damage {
    PAYLOAD(168, "the payload of record 2 fails its checksum"),
    RECORD_HEADER(168, "no valid record header (magic, checksum or fields)"),
    SHORT_RECORD(168, "record 2 runs 54 bytes past the end of the file"),
    SEGMENT_HEADER(0, "no valid segment header (magic or checksum)"),
    SEQUENCE(32, "record 1 does not follow record 2");

    final long offset;
    final String reason;

    Damage(long offset, String reason) {
      this.offset = offset;
      this.reason = reason;
    }

    /** Damages the journal; returns the segment that holds the damage. */
    Path apply(List<Path> segs) throws Exception {
      Path first = segs.get(0); // header at 0, record 1 at 32, record 2 at 168 (payload at 204)
      switch (this) {
        case PAYLOAD -> flip(first, 250);
        case RECORD_HEADER -> flip(first, 168 + 8);
        case SHORT_RECORD -> {
          try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.truncate(250);
          }
        }
        case SEGMENT_HEADER -> flip(first, 16);
        case SEQUENCE -> {
          Files.write(segs.get(1), Files.readAllBytes(first)); // records 1, 2 after 1, 2
          return segs.get(1);
        }
      }
      return first;
    }
  }

  /**
   * Only the newest segment can end in a torn write; damage anywhere else is damage to records a
   * sync made durable, so the journal refuses to open, names it, and leaves every file as it is.
   */
  @ParameterizedTest
  @EnumSource(Damage.class)
  void damageInAnOlderSegmentKeepsTheJournalClosedAndUntouched(Damage damage) throws Exception {
    Path damaged = damage.apply(threeSegments());
    Map<Path, byte[]> before = contents();
    VolumeCorruptException e = assertThrows(VolumeCorruptException.class, () -> replay(dir, 0));
    String m = e.getMessage();
    assertTrue(m.contains(damaged.toString()), m);
    assertTrue(m.contains("at offset " + damage.offset + ": " + damage.reason), m);
    Map<Path, byte[]> after = contents();
    assertEquals(before.keySet(), after.keySet(), "no segment deleted");
    before.forEach((p, b) -> assertArrayEquals(b, after.get(p), p + " unchanged"));
    List<JournalDamage> found = Journal.check(dir, 7, 0);
    assertEquals(List.of(new JournalDamage(damaged, damage.offset, damage.reason)), found);
  }

  @Test
  void aTornWriteAtTheEndOfTheNewestOfSeveralSegmentsIsCutAsBefore() throws Exception {
    List<Path> segs = threeSegments();
    Path newest = segs.get(2);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(newest) - 1);
    }
    assertEquals(List.of(), Journal.check(dir, 7, 0), "a torn write is no damage");
    Map<Path, byte[]> older = contents();
    older.remove(newest);
    List<JournalEntry> got = replay(dir, 0);
    assertEquals(List.of(1L, 2L, 3L, 4L), got.stream().map(JournalEntry::seq).toList());
    assertEquals(32 + 136, Files.size(newest), "the torn record is cut off");
    Map<Path, byte[]> after = contents();
    older.forEach((p, b) -> assertArrayEquals(b, after.get(p), p + " unchanged"));
  }

  @Test
  void damageInAnOlderSegmentARootCoversWholeIsNoObstacle() throws Exception {
    List<Path> segs = threeSegments();
    Damage.PAYLOAD.apply(segs);
    assertEquals(List.of(), Journal.check(dir, 7, 2));
    List<JournalEntry> got = replay(dir, 2);
    assertEquals(List.of(3L, 4L, 5L), got.stream().map(JournalEntry::seq).toList());
    assertFalse(Files.exists(segs.get(0)), "covered, so deleted as always");
  }

  /**
   * An interrupt closes the channel under the fsync (ClosedByInterruptException): the records
   * are not known durable, so the sync fails, the thread stays interrupted, and so do later ones.
   */
  @Test
  void anInterruptedSyncFailsAndTheThreadStaysInterrupted() throws Exception {
    try (Journal j = Journal.open(dir, 7, 0, e -> {})) {
      long seq = j.appendWrite(0, new byte[] {1}, 0, 1);
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedIOException.class, () -> j.sync(seq));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
      } finally {
        Thread.interrupted();
      }
      IOException later = assertThrows(IOException.class, () -> j.sync(seq));
      assertTrue(later.getMessage().contains("earlier journal fsync failed"), later.toString());
    }
  }

  /** Closing the journal fsyncs nothing: a sync of records written before it must fail. */
  @Test
  void aSyncAfterCloseFailsRatherThanCountingClosedSegmentsAsSynced() throws Exception {
    Journal j = Journal.open(dir, 7, 0, e -> {});
    long seq = j.appendWrite(0, new byte[] {1}, 0, 1);
    j.close();
    assertThrows(IOException.class, () -> j.sync(seq));
  }

  /**
   * The journal is closed while a sync waits in its fsync of the older of two segments: the
   * sync fails with an I/O error (not a NullPointerException for the channel the close used to
   * clear), and the next sync answers at once instead of waiting for it forever.
   */
  @Test
  void aCloseDuringASyncFailsItAndLaterSyncsStillAnswer() throws Exception {
    HeldFsync held = new HeldFsync();
    Journal j = Journal.open(dir, 7, 0, e -> {}, held);
    j.appendWrite(0, new byte[] {1}, 0, 1);
    j.cut();
    long seq = j.appendWrite(1, new byte[] {2}, 0, 1);
    CompletableFuture<Void> sync = syncInBackground(j, seq);
    held.awaitEntered();
    j.close();
    held.proceed();
    Throwable failed = failureOf(sync);
    assertTrue(failed instanceof IOException, "an I/O error: " + failed);
    assertTrue(failed.getMessage().contains("closed before its fsync"), failed.toString());
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> assertThrows(IOException.class, () -> j.sync(seq)));
  }

  /**
   * A flush covers and releases the older segment while a sync waits to fsync it: its records
   * are in a durable root, so finding it closed is no failure and the sync succeeds.
   */
  @Test
  void aSegmentReleasedByACoveringFlushLetsAConcurrentSyncSucceed() throws Exception {
    HeldFsync held = new HeldFsync();
    try (Journal j = Journal.open(dir, 7, 0, e -> {}, held)) {
      j.appendWrite(0, new byte[] {1}, 0, 1);
      long covered = j.cut();
      long seq = j.appendWrite(1, new byte[] {2}, 0, 1);
      CompletableFuture<Void> sync = syncInBackground(j, seq);
      held.awaitEntered();
      j.release(covered);
      held.proceed();
      sync.get(10, TimeUnit.SECONDS);
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> j.sync(seq));
    }
  }

  /**
   * A RuntimeException out of an fsync (a bug) ends that sync, not the journal: the next FLUSH
   * gets its own fsync instead of waiting forever for one that never finishes.
   */
  @Test
  void aRuntimeExceptionInAnFsyncDoesNotBlockLaterSyncs() throws Exception {
    AtomicBoolean fail = new AtomicBoolean(true);
    Journal.Fsync buggy =
        ch -> {
          if (fail.getAndSet(false)) {
            throw new IllegalStateException("a bug in the fsync path");
          }
          ch.force(false);
        };
    try (Journal j = Journal.open(dir, 7, 0, e -> {}, buggy)) {
      long seq = j.appendWrite(0, new byte[] {1}, 0, 1);
      assertThrows(IllegalStateException.class, () -> j.sync(seq));
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> j.sync(seq));
    }
  }

  private static CompletableFuture<Void> syncInBackground(Journal j, long seq) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                j.sync(seq);
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "journal-sync");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private static Throwable failureOf(CompletableFuture<Void> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the sync succeeded");
  }

  /** An fsync whose first call waits, once inside, until the test lets it go on. */
  private static final class HeldFsync implements Journal.Fsync {
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch proceed = new CountDownLatch(1);

    @Override
    public void force(FileChannel channel) throws IOException {
      if (first.getAndSet(false)) {
        entered.countDown();
        try {
          proceed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
      channel.force(false);
    }

    void awaitEntered() throws InterruptedException {
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the sync reached its fsync");
    }

    void proceed() {
      proceed.countDown();
    }
  }
}
