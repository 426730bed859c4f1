package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When acknowledged writes reach the journal: not at the write (it only dirties memory), at a
 * FLUSH or an FUA write (every pending intent, the newest bytes of its range), or never when a
 * tree commit covers them first; what a FLUSH acknowledged survives a SIGKILL of the process
 * ({@link IntentLogVictim}); and reads racing the flushes that recycle dirty memory.
 */
class IntentLogTest {
  private static final int BS = 16384;

  @TempDir Path dir;

  /** A pool whose volumes flush only when told to (and at {@code volumeFlush} bytes). */
  static TestPool pool(Path dir, long volumeFlush) throws IOException {
    return new TestPool(
        dir, c -> c.withDirtyLimit(256L << 20, volumeFlush).withFlushInterval(Duration.ofHours(1)));
  }

  private TestPool pool(long volumeFlush) throws IOException {
    return pool(dir, volumeFlush);
  }

  /**
   * Runs {@link IntentLogVictim} in {@code mode}, kills it with SIGKILL once it says it is done,
   * and returns what it printed: {@code name value} lines.
   */
  private Map<String, Long> runAndKill(String mode) throws Exception {
    Process child = ChildJvm.start(IntentLogVictim.class, dir.toString(), mode);
    Map<String, Long> said = new HashMap<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null && !line.equals("DONE"); ) {
        String[] f = line.split(" ");
        said.put(f[0], Long.parseLong(f[1]));
      }
    } finally {
      ChildJvm.kill9(child);
    }
    assertTrue(said.containsKey("end"), "the victim stopped early: " + said);
    return said;
  }

  @Test
  void writesWithoutFlushTouchNoJournalAndWhatAFlushAppendedSurvivesAKill() throws Exception {
    Map<String, Long> said = runAndKill("journal");
    assertEquals(0, said.get("after-writes"), "writes without FLUSH wrote the journal");
    assertTrue(said.get("after-flush") >= 200L * 4096, "a FLUSH appended too little: " + said);
    assertEquals(said.get("after-flush"), said.get("after-second-flush"), "an empty FLUSH wrote");
    assertTrue(said.get("after-fua") > said.get("after-flush"), "an FUA write appended nothing");
    try (TestPool p = pool(64L << 20);
        Volume v = p.volumes().open("v")) {
      VolumeBasicsTest.assertContent(v, IntentLogVictim.journalModel());
    }
  }

  @Test
  void aFlushWithALargeBacklogCommitsATreeInsteadOfWritingTheJournal() throws Exception {
    Map<String, Long> said = runAndKill("backlog");
    assertTrue(
        said.get("after-flush") < (1 << 20),
        "8 MiB pending were journaled instead of committed: " + said);
    try (TestPool p = pool(1L << 20);
        Volume v = p.volumes().open("v")) {
      VolumeBasicsTest.assertContent(v, IntentLogVictim.backlogModel());
    }
  }

  /**
   * Below a flush's worth, a FLUSH of 20 MiB of large writes commits a tree (their blocks are
   * about as many bytes as the journal would take: the data is written once), and a FLUSH of 20
   * MiB of 4 KiB writes over four times as many bytes of blocks appends them to the journal.
   */
  @Test
  void aFlushCommitsLargeWritesAsATreeAndAppendsScatteredSmallOnes() throws Exception {
    Random r = new Random(4);
    try (TestPool p = pool(200L << 20)) {
      p.volumes().create("large", new VolumeSpec(32L << 20, BS, "lz4", "default", false));
      p.volumes().create("small", new VolumeSpec(512L << 20, BS, "lz4", "default", false));
      byte[] mib = new byte[1 << 20];
      long afterLarge;
      try (Volume v = p.volumes().open("large")) {
        for (int i = 0; i < 20; i++) {
          r.nextBytes(mib);
          v.write((long) i << 20, mib, 0, mib.length, false);
        }
        v.flush();
        afterLarge = IntentLogVictim.journalBytes(dir);
      }
      assertTrue(afterLarge < (1 << 20), "20 MiB of large writes journaled: " + afterLarge);
      byte[] page = new byte[4096];
      try (Volume v = p.volumes().open("small")) {
        for (int i = 0; i < 5120; i++) {
          r.nextBytes(page);
          v.write(i * 4L * BS, page, 0, page.length, false); // every fourth block
        }
        v.flush();
        long appended = IntentLogVictim.journalBytes(dir) - afterLarge;
        assertTrue(appended >= 20L << 20, "scattered writes not journaled: " + appended);
      }
    }
  }

  @Test
  void aFlushLogsTheNewestBytesOfEachRange() throws Exception {
    runAndKill("newest");
    try (TestPool p = pool(64L << 20);
        Volume v = p.volumes().open("v")) {
      byte[] got = new byte[8];
      v.read(100, got, 0, 8);
      assertArrayEquals(new byte[] {1, 1, 2, 2, 2, 2, 0, 0}, got);
      byte[] block = new byte[BS];
      v.read(BS, block, 0, BS);
      byte[] want = new byte[BS];
      want[10] = 3;
      assertArrayEquals(want, block);
    }
  }

  /**
   * A writer rewrites blocks, each filled with (block, version) pairs, flushes commit and
   * recycle their memory, and a reader checks that no read shows another block's bytes, a mix
   * of versions, or a version older than one it saw before (a reader that held a recycled block
   * must read again, neither see what the buffer's new owner wrote nor the tree of before).
   */
  @Test
  void readsRacingFlushesNeverSeeRecycledMemory() throws Exception {
    int blocks = 256;
    try (TestPool p = pool(64L << 20)) {
      p.volumes().create("v", new VolumeSpec((long) blocks * BS, BS, "none", "default", false));
      try (Volume v = p.volumes().open("v")) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer =
            new Thread(
                () -> {
                  Random r = new Random(3);
                  long[] versions = new long[blocks];
                  try {
                    while (!stop.get()) {
                      int b = r.nextInt(blocks);
                      v.write((long) b * BS, named(b, ++versions[b]), 0, BS, false);
                    }
                  } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                  }
                });
        Thread flusher =
            new Thread(
                () -> {
                  try {
                    while (!stop.get()) {
                      p.volumes().flushAll();
                    }
                  } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                  }
                });
        Thread reader =
            new Thread(
                () -> {
                  Random r = new Random(4);
                  byte[] got = new byte[BS];
                  long[] seen = new long[blocks];
                  try {
                    while (!stop.get()) {
                      int b = r.nextInt(blocks);
                      v.read((long) b * BS, got, 0, BS);
                      ByteBuffer g = ByteBuffer.wrap(got);
                      long version = g.getLong(8);
                      for (int i = 0; i < BS; i += 16) {
                        long name = g.getLong(i);
                        if (name != (version == 0 ? 0 : b + 1) || g.getLong(i + 8) != version) {
                          throw new AssertionError("block " + b + " read " + name + "/" + version);
                        }
                      }
                      if (version < seen[b]) {
                        throw new AssertionError(
                            "block " + b + " read version " + version + " after " + seen[b]);
                      }
                      seen[b] = version;
                    }
                  } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                  }
                });
        writer.start();
        flusher.start();
        reader.start();
        Thread.sleep(3000);
        stop.set(true);
        writer.join();
        flusher.join();
        reader.join();
        if (failure.get() != null) {
          throw new AssertionError(failure.get());
        }
        byte[] all = new byte[blocks * BS];
        v.read(0, all, 0, all.length);
        for (int b = 0; b < blocks; b++) {
          long name = ByteBuffer.wrap(all, b * BS, 8).getLong();
          assertTrue(name == 0 || name == b + 1, "block " + b);
        }
      }
    }
  }

  private static byte[] named(int block, long version) {
    ByteBuffer b = ByteBuffer.allocate(BS);
    while (b.hasRemaining()) {
      b.putLong(block + 1).putLong(version);
    }
    return b.array();
  }
}
