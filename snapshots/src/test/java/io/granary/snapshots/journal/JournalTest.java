package io.granary.snapshots.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
}
