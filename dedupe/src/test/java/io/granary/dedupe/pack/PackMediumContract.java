package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.PackMedium;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link PackMedium} does, whatever it keeps packs on: one suite, run against the
 * local directory, the fault-injecting wrapper (with no fault set) and the object store. A
 * subclass says how to open its medium on a spool directory and how to wait until what it does
 * in the background is done.
 */
public abstract class PackMediumContract {
  @TempDir protected Path spool;

  private final List<PackMedium> opened = new ArrayList<>();

  /** A medium on {@code spool}; the suite closes it. */
  protected abstract PackMedium open(Path spool) throws IOException;

  /** Waits until the medium has finished what sealing started (an upload), if anything. */
  protected void settle(PackMedium medium) throws Exception {}

  private PackMedium medium() throws IOException {
    PackMedium m = open(spool);
    opened.add(m);
    return m;
  }

  @AfterEach
  void closeMedia() throws IOException {
    for (PackMedium m : opened) {
      m.close();
    }
  }

  @Test
  void aPackReadsBackWhatWasAppended() throws Exception {
    PackMedium m = medium();
    byte[] a = TestData.random(1, 70_000);
    byte[] b = TestData.random(2, 5_000);
    try (PackMedium.Appender out = m.create(1)) {
      out.append(ByteBuffer.wrap(a));
      out.append(ByteBuffer.wrap(b, 0, 1_000), ByteBuffer.wrap(b, 1_000, 4_000));
      assertEquals(75_000, out.size());
      out.force();
    }
    assertEquals(75_000, m.size(1));
    assertArrayEquals(concat(a, b), readAll(m, 1));
    assertArrayEquals(slice(b, 10, 300), read(m, 1, 70_010, 300));
  }

  @Test
  void aSealedPackReadsTheSameAndSurvivesReopeningTheMedium() throws Exception {
    PackMedium m = medium();
    byte[][] packs = new byte[4][];
    for (int id = 1; id <= 3; id++) {
      packs[id] = writePack(m, id, 200_000 + id * 1_000);
    }
    m.seal(1);
    m.seal(2);
    settle(m);
    for (int id = 1; id <= 3; id++) {
      assertArrayEquals(packs[id], readAll(m, id), "pack " + id + " in the same medium");
    }
    m.close();
    PackMedium again = medium();
    assertEquals(List.of(1, 2, 3), again.list());
    for (int id = 1; id <= 3; id++) {
      assertEquals(packs[id].length, again.size(id));
      assertArrayEquals(packs[id], readAll(again, id), "pack " + id + " after reopening");
    }
  }

  @Test
  void sealingTwiceOrAfterReopeningIsHarmless() throws Exception {
    PackMedium m = medium();
    byte[] pack = writePack(m, 5, 50_000);
    m.seal(5);
    m.seal(5);
    settle(m);
    m.close();
    PackMedium again = medium();
    again.seal(5);
    settle(again);
    assertArrayEquals(pack, readAll(again, 5));
  }

  @Test
  void aReadPastTheEndIsShort() throws Exception {
    PackMedium m = medium();
    writePack(m, 1, 10_000);
    m.seal(1);
    settle(m);
    try (PackMedium.Reader r = m.openForRead(1)) {
      ByteBuffer dst = ByteBuffer.allocate(1_000);
      assertEquals(400, r.read(dst, 9_600));
      assertEquals(0, r.read(ByteBuffer.allocate(10), 10_000));
      assertEquals(10_000, r.size());
    }
  }

  @Test
  void aPackThatExistsCannotBeCreatedAgain() throws Exception {
    PackMedium m = medium();
    writePack(m, 3, 1_000);
    assertThrows(IOException.class, () -> m.create(3), "spooled");
    m.seal(3);
    settle(m);
    assertThrows(IOException.class, () -> m.create(3), "sealed");
  }

  @Test
  void aSpooledPackIsCutBack() throws Exception {
    PackMedium m = medium();
    byte[] pack = writePack(m, 2, 30_000);
    m.truncate(2, 12_345);
    m.syncSpool();
    assertEquals(12_345, m.size(2));
    assertArrayEquals(slice(pack, 0, 12_345), readAll(m, 2));
  }

  @Test
  void aDeletedPackIsGoneSpooledOrSealed() throws Exception {
    PackMedium m = medium();
    writePack(m, 1, 20_000);
    writePack(m, 2, 20_000);
    byte[] kept = writePack(m, 3, 20_000);
    m.seal(1);
    m.seal(3);
    settle(m);
    m.delete(1);
    m.delete(2);
    m.syncSpool();
    assertEquals(List.of(3), m.list());
    assertThrows(IOException.class, () -> m.openForRead(1).read(ByteBuffer.allocate(1), 0));
    assertThrows(IOException.class, () -> m.size(2));
    m.delete(2); // deleting what is gone is not an error: a retried sweep does it
    m.close();
    PackMedium again = medium();
    assertEquals(List.of(3), again.list());
    assertArrayEquals(kept, readAll(again, 3));
  }

  /** Readers that opened a pack before it was sealed go on reading it right while it moves. */
  @Test
  void readersCarryOnWhileTheirPackIsSealed() throws Exception {
    PackMedium m = medium();
    byte[] pack = writePack(m, 9, 600_000);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    try (PackMedium.Reader r = m.openForRead(9)) {
      for (int t = 0; t < 2; t++) {
        int seed = t;
        Thread th =
            new Thread(
                () -> {
                  java.util.Random random = new java.util.Random(seed);
                  try {
                    while (!stop.get()) {
                      int at = random.nextInt(pack.length - 5_000);
                      ByteBuffer dst = ByteBuffer.allocate(5_000);
                      assertEquals(5_000, r.read(dst, at));
                      assertArrayEquals(slice(pack, at, 5_000), dst.array());
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                });
        th.start();
        readers.add(th);
      }
      Thread.sleep(50);
      m.seal(9);
      settle(m);
      Thread.sleep(50);
      stop.set(true);
      for (Thread th : readers) {
        th.join();
      }
    }
    if (failure.get() != null) {
      throw new AssertionError("a reader failed", failure.get());
    }
    assertArrayEquals(pack, readAll(m, 9));
  }

  /** Writes a pack of {@code length} random bytes, fsynced, and returns them. */
  protected static byte[] writePack(PackMedium m, int packId, int length) throws IOException {
    byte[] bytes = TestData.random(packId * 31L + length, length);
    try (PackMedium.Appender out = m.create(packId)) {
      out.append(ByteBuffer.wrap(bytes));
      out.force();
    }
    m.syncSpool();
    return bytes;
  }

  protected static byte[] readAll(PackMedium m, int packId) throws IOException {
    return read(m, packId, 0, (int) m.size(packId));
  }

  protected static byte[] read(PackMedium m, int packId, long position, int length)
      throws IOException {
    try (PackMedium.Reader r = m.openForRead(packId)) {
      ByteBuffer dst = ByteBuffer.allocate(length);
      assertEquals(length, r.read(dst, position));
      assertFalse(dst.hasRemaining());
      return dst.array();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] slice(byte[] a, int from, int length) {
    byte[] c = new byte[length];
    System.arraycopy(a, from, c, 0, length);
    assertTrue(from + length <= a.length);
    return c;
  }
}
