package io.granary.snapshots.volume;

import static io.granary.snapshots.volume.VolumeBasicsTest.assertContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ProgressListener;
import io.granary.snapshots.api.OverProvisionedException;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.SpaceUsage;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeFullException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's space limits: capacity refuses writes before they are acknowledged and never harms
 * what is stored; the provisioning limit refuses creates, clones and growth; both change live.
 */
class VolumeLimitsTest {
  private static final int MIB = 1 << 20;
  private static final long GIB = 1L << 30;
  private static final int BS = 64 << 10;

  @TempDir Path dir;

  /** No background flush interferes: what is written stays buffered until a flush is asked. */
  private TestPool pool() throws Exception {
    return new TestPool(dir, c -> c.withFlushInterval(Duration.ofHours(1)));
  }

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static VolumeSpec raw(long size) {
    return new VolumeSpec(size, BS, "none", "default"); // random data: stored == written
  }

  @Test
  void writesAreRefusedAtCapacityBeforeTheyAreAcknowledgedAndWorkAgainAfterDeleteAndGc()
      throws Exception {
    byte[] model = new byte[32 * MIB];
    try (TestPool pool = pool()) {
      pool.volumes().create("a", raw(model.length));
      pool.volumes().create("b", raw(32 * MIB));
      try (Volume b = pool.volumes().open("b")) {
        b.write(0, random(1, 4 * MIB), 0, 4 * MIB, false);
      }
      try (Volume a = pool.volumes().open("a")) {
        byte[] first = random(2, 4 * MIB);
        a.write(0, first, 0, first.length, false);
        System.arraycopy(first, 0, model, 0, first.length);
        pool.volumes().flushAll();
        long s0 = pool.volumes().usage().storedBytes();
        pool.volumes().setLimits(new SpaceLimits(s0 + 2 * MIB + BS / 2, Long.MAX_VALUE));

        int acknowledged = 0;
        VolumeFullException full = null;
        for (int i = 0; i < 8 && full == null; i++) {
          byte[] d = random(10 + i, MIB);
          try {
            a.write((4L + i) * MIB, d, 0, MIB, false);
            System.arraycopy(d, 0, model, (4 + i) * MIB, MIB);
            acknowledged++;
          } catch (VolumeFullException e) {
            full = e;
          }
        }
        assertEquals(2, acknowledged, "2 MiB fit in the room left, buffered data counted");
        assertTrue(
            full.getMessage()
                .matches(
                    "pool is full: \\S+ MiB stored \\+ 2\\.0 MiB buffered of a \\S+ MiB capacity"),
            full.getMessage());
        assertEquals(VolumeException.Kind.NO_SPACE, full.kind());
        assertContent(a, model); // the refused write left nothing behind

        pool.volumes().flushAll(); // acknowledged data is always flushable
        assertContent(a, model);
        assertThrows(VolumeFullException.class, () -> a.write(0, new byte[1], 0, 1, false));
        assertThrows(VolumeFullException.class, () -> a.writeZeroes(1, 10, false));
        a.trim(20 * MIB, 2 * MIB, false); // whole blocks become holes: no space needed
        a.flush();

        pool.volumes().delete("b", false);
        pool.volumes().collectGarbage();
        byte[] d = random(30, MIB);
        a.write(6L * MIB, d, 0, MIB, true); // b's 4 MiB came back
        System.arraycopy(d, 0, model, 6 * MIB, MIB);
        assertContent(a, model);
      }
      assertTrue(pool.chunks().scrub(ProgressListener.NONE).clean());
      pool.reopen();
      try (Volume a = pool.volumes().open("a")) {
        assertContent(a, model);
      }
    }
  }

  @Test
  void concurrentWritersNeverGetMoreThanTheCapacityLeft() throws Exception {
    try (TestPool pool = pool()) {
      for (int i = 0; i < 4; i++) {
        pool.volumes().create("v" + i, raw(16 * MIB));
      }
      long s0 = pool.volumes().usage().storedBytes();
      long room = 3L * MIB;
      pool.volumes().setLimits(new SpaceLimits(s0 + room, Long.MAX_VALUE));
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          String name = "v" + i;
          long seed = i;
          done.add(
              threads.submit(
                  (Callable<Long>)
                      () -> {
                        long written = 0;
                        try (Volume v = pool.volumes().open(name)) {
                          byte[] d = random(seed, BS);
                          for (long off = 0; off < v.size(); off += BS) {
                            v.write(off, d, 0, BS, false);
                            written += BS;
                          }
                        } catch (VolumeFullException expected) {
                          // the pool is full
                        }
                        return written;
                      }));
        }
        long total = 0;
        for (Future<Long> f : done) {
          total += f.get();
        }
        assertEquals(room, total, "every byte of room, and not one more");
      } finally {
        threads.shutdown();
      }
      SpaceUsage u = pool.volumes().usage();
      assertEquals(room, u.dirtyBytes());
      pool.volumes().flushAll();
      assertEquals(0, pool.volumes().usage().dirtyBytes());
    }
  }

  @Test
  void limitsChangeLive() throws Exception {
    try (TestPool pool = pool()) {
      pool.volumes().create("v", raw(4 * MIB));
      assertEquals(SpaceLimits.UNLIMITED, pool.volumes().limits());
      try (Volume v = pool.volumes().open("v")) {
        pool.volumes().setLimits(new SpaceLimits(0, Long.MAX_VALUE));
        assertEquals(new SpaceLimits(0, Long.MAX_VALUE), pool.volumes().limits());
        assertThrows(VolumeFullException.class, () -> v.write(0, new byte[] {1}, 0, 1, false));
        pool.volumes().setLimits(SpaceLimits.UNLIMITED);
        v.write(0, new byte[] {1}, 0, 1, false);
        pool.volumes().setLimits(new SpaceLimits(Long.MAX_VALUE, 4 * MIB));
        assertThrows(OverProvisionedException.class, () -> v.resize(4 * MIB + 1));
        pool.volumes().setLimits(new SpaceLimits(Long.MAX_VALUE, 5 * MIB));
        v.resize(5 * MIB);
      }
      assertThrows(IllegalArgumentException.class, () -> new SpaceLimits(-1, 0));
      assertThrows(IllegalArgumentException.class, () -> new SpaceLimits(0, -1));
    }
  }

  @Test
  void theProvisioningLimitRefusesCreatesClonesAndGrowthButNeverAShrink() throws Exception {
    try (TestPool pool = pool()) {
      pool.volumes().setLimits(new SpaceLimits(Long.MAX_VALUE, 40 * GIB));
      pool.volumes().create("big", VolumeSpec.ofSize(30 * GIB));
      OverProvisionedException e =
          assertThrows(
              OverProvisionedException.class,
              () -> pool.volumes().create("more", VolumeSpec.ofSize(11 * GIB)));
      assertEquals(
          "volumes would total 41 GiB, beyond the pool's provisioning limit of 40 GiB",
          e.getMessage());
      assertEquals(VolumeException.Kind.OVER_PROVISIONED, e.kind());
      assertEquals(List.of("big"), names(pool));
      pool.volumes().create("ten", VolumeSpec.ofSize(10 * GIB)); // exactly at the limit
      assertEquals(40 * GIB, pool.volumes().usage().provisionedBytes());

      try (Volume v = pool.volumes().open("ten")) {
        assertThrows(OverProvisionedException.class, () -> v.resize(10 * GIB + 1));
        assertEquals(10 * GIB, v.size());
        v.write(0, new byte[] {5}, 0, 1, false);
      }
      pool.volumes().snapshot("ten", "s");
      assertThrows(OverProvisionedException.class, () -> pool.volumes().clone("ten", "s", "c1"));
      try (Volume v = pool.volumes().open("big")) {
        v.resize(20 * GIB); // shrinking always passes
      }
      pool.volumes().clone("ten", "s", "c1");
      assertEquals(
          40 * GIB, pool.volumes().usage().provisionedBytes(), "snapshots are not counted");

      // A rollback to a larger size is growth too.
      try (Volume v = pool.volumes().open("ten")) {
        v.resize(5 * GIB);
      }
      pool.volumes().create("five", VolumeSpec.ofSize(5 * GIB));
      assertThrows(OverProvisionedException.class, () -> pool.volumes().rollback("ten", "s"));
      assertEquals(5 * GIB, pool.volumes().info("ten").size());

      pool.volumes().setLimits(new SpaceLimits(Long.MAX_VALUE, 10 * GIB)); // below the sum
      try (Volume v = pool.volumes().open("big")) {
        v.resize(19 * GIB);
        assertThrows(OverProvisionedException.class, () -> v.resize(19 * GIB + 1));
      }
      pool.volumes().delete("five", false);
      assertEquals(19 * GIB + 5 * GIB + 10 * GIB, pool.volumes().usage().provisionedBytes());
      pool.volumes().setLimits(SpaceLimits.UNLIMITED);
      pool.volumes().rollback("ten", "s");
      assertEquals(39 * GIB, pool.volumes().usage().provisionedBytes());

      pool.reopen(); // the sum is read again from the catalog; limits are the caller's to set
      assertEquals(39 * GIB, pool.volumes().usage().provisionedBytes());
      assertEquals(SpaceLimits.UNLIMITED, pool.volumes().limits());
    }
  }

  @Test
  void usageReportsStoredBufferedAndProvisionedBytes() throws Exception {
    try (TestPool pool = pool()) {
      assertEquals(new SpaceUsage(0, 0, 0), pool.volumes().usage());
      pool.volumes().create("v", raw(8 * MIB));
      try (Volume v = pool.volumes().open("v")) {
        byte[] d = random(1, 3 * BS);
        v.write(BS / 2, d, 0, d.length, false); // touches 4 blocks
        SpaceUsage u = pool.volumes().usage();
        assertEquals(new SpaceUsage(0, 4L * BS, 8L * MIB), u);
        pool.volumes().flushAll();
        u = pool.volumes().usage();
        assertEquals(0, u.dirtyBytes());
        assertEquals(pool.chunks().stats().storedBytes(), u.storedBytes());
        assertTrue(u.storedBytes() >= 4L * BS, u.toString());
      }
      pool.volumes().snapshot("v", "s");
      pool.volumes().clone("v", "s", "c");
      assertEquals(16L * MIB, pool.volumes().usage().provisionedBytes());
    }
  }

  private static List<String> names(TestPool pool) throws Exception {
    return pool.volumes().list().stream().map(i -> i.name()).sorted().toList();
  }

  @Test
  void sizesReadAsPeopleWriteThem() {
    assertEquals("512 B", SpaceGate.human(512));
    assertEquals("12 MiB", SpaceGate.human(12L * MIB));
    assertEquals("1.0 GiB", SpaceGate.human(GIB));
    assertEquals("1.5 KiB", SpaceGate.human(1536));
    assertEquals("41 GiB", SpaceGate.human(41 * GIB));
  }
}
