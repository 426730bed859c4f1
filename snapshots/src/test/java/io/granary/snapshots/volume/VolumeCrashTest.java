package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM writing to a volume with SIGKILL at random moments, round after round on the
 * same pool, and checks every sector after each reopen: each holds what the last flushed
 * operation covering it wrote, or what a later operation wrote, and never anything else.
 */
class VolumeCrashTest {
  private static final int ROUNDS = 10;

  @TempDir Path dir;

  @Test
  void everyFlushedWriteSurvivesAKill9AndNothingReadsWrong() throws Exception {
    Random random = new Random(77);
    byte[] base = new byte[(int) CrashOps.SIZE]; // the content verified after the last round
    for (int round = 0; round < ROUNDS; round++) {
      int flushed = runAndKill(round, random);
      byte[] now;
      try (TestPool pool = new TestPool(dir)) {
        try (Volume v = pool.volumes().open("v")) {
          now = new byte[(int) CrashOps.SIZE];
          v.read(0, now, 0, now.length);
        }
      }
      check(round, flushed, base, now);
      base = now;
    }
  }

  private int runAndKill(int round, Random random) throws Exception {
    Process child = ChildJvm.start(CrashWriter.class, dir.toString(), String.valueOf(round));
    AtomicInteger flushed = new AtomicInteger(-1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  if (line.startsWith("FLUSHED ")) {
                    flushed.set(Integer.parseInt(line.substring(8)));
                  }
                }
              } catch (Exception ignored) {
                // the child died
              }
            });
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (flushed.get() < 0 && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(flushed.get() >= 0, "round " + round + ": the writer never flushed");
    Thread.sleep(100 + random.nextInt(1500));
    int k = flushed.get();
    ChildJvm.kill9(child);
    reader.join();
    return k;
  }

  /**
   * Every sector must hold either the state after ops 0..k applied to {@code base}, or the
   * data of a later op of this round that covers it.
   */
  private static void check(int round, int k, byte[] base, byte[] now) {
    long sectors = CrashOps.SECTORS;
    int[] lastOp = new int[(int) sectors];
    Arrays.fill(lastOp, -1);
    List<CrashOps.Op> ops = new ArrayList<>();
    for (int n = 0; n <= k; n++) {
      CrashOps.Op op = CrashOps.op(round, n);
      ops.add(op);
      for (long s = op.firstSector(); s < op.firstSector() + op.sectors(); s++) {
        lastOp[(int) s] = n;
      }
    }
    for (int s = 0; s < sectors; s++) {
      int at = s * CrashOps.SECTOR;
      byte[] got = Arrays.copyOfRange(now, at, at + CrashOps.SECTOR);
      int m = lastOp[s];
      if (m < 0
          ? Arrays.equals(got, 0, got.length, base, at, at + CrashOps.SECTOR)
          : matches(round, m, ops.get(m), s, got)) {
        continue; // the state as of the last flush
      }
      // Otherwise a later op of this round must have produced it.
      boolean allZero = Arrays.mismatch(got, new byte[CrashOps.SECTOR]) < 0;
      ByteBuffer b = ByteBuffer.wrap(got);
      int r = b.getInt();
      int n = b.getInt();
      boolean later = false;
      if (allZero) {
        for (int j = k + 1; j < k + 200_000 && !later; j++) {
          CrashOps.Op op = CrashOps.op(round, j);
          later = op.trim() && op.covers(s);
        }
      } else if (r == round && n > k) {
        CrashOps.Op op = CrashOps.op(round, n);
        later = !op.trim() && op.covers(s) && matches(round, n, op, s, got);
      }
      if (!later) {
        throw new AssertionError(
            "round "
                + round
                + ", flushed up to op "
                + k
                + ": sector "
                + s
                + " holds "
                + (allZero ? "zeroes" : "round " + r + " op " + n)
                + ", expected "
                + (m < 0 ? "its previous content" : "op " + m + " or later"));
      }
    }
  }

  private static boolean matches(int round, int n, CrashOps.Op op, long sector, byte[] got) {
    if (op.trim()) {
      return Arrays.mismatch(got, new byte[CrashOps.SECTOR]) < 0;
    }
    byte[] expect = new byte[CrashOps.SECTOR];
    CrashOps.fillSector(expect, 0, round, n, sector);
    return Arrays.equals(expect, got);
  }
}
