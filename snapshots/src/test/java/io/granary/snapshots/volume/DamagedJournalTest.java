package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.DamagedJournal;
import io.granary.snapshots.api.JournalReport;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One volume's journal is damaged in an older segment (a flipped payload byte): that volume
 * refuses to open with the corrupt-volume error naming the segment and offset, leaving the file
 * as it is; the pool opens, its other volume serves reads and writes, and the journal check a
 * scrub runs reports exactly the damaged journal.
 */
class DamagedJournalTest {
  private static final int BLOCK = 4096;

  @TempDir Path dir;

  @Test
  void aDamagedJournalKeepsOnlyItsVolumeClosedAndTheCheckReportsIt() throws Exception {
    byte[] good = TestData.random(1, 4 * BLOCK);
    Path journalOfA;
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("a", new VolumeSpec(1 << 20, BLOCK, "lz4", "default"));
      pool.volumes().open("a").close(); // creates a's journal directory
      try (var dirs = Files.list(dir.resolve("journal"))) {
        journalOfA = dirs.findFirst().orElseThrow();
      }
      pool.volumes().create("b", new VolumeSpec(1 << 20, BLOCK, "lz4", "default"));
      try (Volume b = pool.volumes().open("b")) {
        b.write(0, good, 0, good.length, true);
      }
      assertTrue(pool.volumes().checkJournals().clean());
    }
    // As a crash would leave it: two segments of synced writes no flush covered yet.
    long idOfA = Long.parseUnsignedLong(journalOfA.getFileName().toString(), 16);
    try (Journal j = Journal.open(journalOfA, idOfA, 0, e -> {})) {
      j.appendWrite(0, new byte[BLOCK], 0, BLOCK);
      j.appendWrite(BLOCK, TestData.random(2, BLOCK), 0, BLOCK);
      j.cut();
      j.appendWrite(2 * BLOCK, new byte[BLOCK], 0, BLOCK);
      j.sync(3);
    }
    Path older = journalOfA.resolve(String.format("%016x.wal", 1));
    long second = 32 + 36 + BLOCK; // the second record, after the segment header and the first
    flip(older, second + 36 + 100);
    byte[] damaged = Files.readAllBytes(older);

    try (TestPool pool = new TestPool(dir)) {
      VolumeException e = assertThrows(VolumeException.class, () -> pool.volumes().open("a"));
      assertTrue(e instanceof VolumeCorruptException, e.toString());
      assertEquals(VolumeException.Kind.CORRUPT, e.kind());
      String m = e.getMessage();
      assertTrue(m.startsWith("cannot open volume a: "), m);
      assertTrue(m.contains(older.toString() + " is damaged at offset " + second), m);
      assertTrue(m.contains("the payload of record 2 fails its checksum"), m);
      assertArrayEquals(damaged, Files.readAllBytes(older), "the evidence is left as it is");
      assertThrows(VolumeCorruptException.class, () -> pool.volumes().open("a"), "and again");

      try (Volume b = pool.volumes().open("b")) {
        byte[] back = new byte[good.length];
        b.read(0, back, 0, back.length);
        assertArrayEquals(good, back);
        b.write(good.length, good, 0, BLOCK, true);
      }
      pool.volumes().flushAll();
      assertEquals(2, pool.volumes().list().size());

      JournalReport report = pool.volumes().checkJournals();
      assertEquals(2, report.journalsChecked());
      assertEquals(
          List.of(
              new DamagedJournal(
                  "a",
                  older.getFileName().toString(),
                  second,
                  "the payload of record 2 fails its" + " checksum")),
          report.damaged());
      assertArrayEquals(damaged, Files.readAllBytes(older), "the check changes nothing");
    }
  }

  private static void flip(Path f, long at) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, at);
    }
  }
}
