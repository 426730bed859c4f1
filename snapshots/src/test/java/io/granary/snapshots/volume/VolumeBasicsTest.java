package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeBusyException;
import io.granary.snapshots.api.VolumeExistsException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VolumeBasicsTest {
  @TempDir Path dir;

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes at, just before and just after block boundaries read back byte-exact. */
  @ParameterizedTest
  @CsvSource({"4096, true", "4096, false", "65536, true", "65536, false"})
  void unalignedIoAroundBlockEdges(int bs, boolean dedupe) throws Exception {
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("v", new VolumeSpec(8L * bs + 123, bs, "lz4", "default", dedupe));
      byte[] model = new byte[8 * bs + 123];
      try (Volume v = pool.volumes().open("v")) {
        long seed = 0;
        for (int at : new int[] {0, bs - 1, bs, bs + 1, 3 * bs - 7}) {
          for (int len : new int[] {1, bs - 1, bs, bs + 1, 2 * bs + 3}) {
            byte[] d = bytes(++seed, len);
            v.write(at, d, 0, len, false);
            System.arraycopy(d, 0, model, at, len);
          }
        }
        assertContent(v, model);
        pool.volumes().flushAll();
        assertContent(v, model);
      }
      pool.reopen();
      try (Volume v = pool.volumes().open("v")) {
        assertContent(v, model);
        assertThrows(OutOfRangeException.class, () -> v.read(model.length - 1, new byte[2], 0, 2));
        assertThrows(OutOfRangeException.class, () -> v.write(-1, new byte[1], 0, 1, false));
        v.read(model.length, new byte[0], 0, 0); // an empty read at the end is fine
      }
    }
  }

  static void assertContent(Volume v, byte[] model) throws Exception {
    byte[] got = new byte[model.length];
    v.read(0, got, 0, got.length);
    if (!Arrays.equals(model, got)) {
      int i = Arrays.mismatch(model, got);
      throw new AssertionError(
          v.name()
              + " differs at byte "
              + i
              + " (block "
              + i / v.blockSize()
              + "): expected "
              + model[i]
              + " got "
              + got[i]);
    }
  }

  @Test
  void trimsZeroesHolesAndBlockStatus() throws Exception {
    int bs = 4096;
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("v", new VolumeSpec(1 << 20, bs, "zstd:3", "default"));
      try (Volume v = pool.volumes().open("v")) {
        assertEquals(List.of(new Extent(0, 1 << 20, false)), v.blockStatus(0, 1 << 20));
        byte[] d = bytes(1, 100_000);
        v.write(10_000, d, 0, d.length, true);
        v.trim(20_000, 30_000, false); // partial blocks at both ends
        v.writeZeroes(64 * 1024, 32 * 1024, false); // whole blocks
        byte[] model = new byte[1 << 20];
        System.arraycopy(d, 0, model, 10_000, d.length);
        Arrays.fill(model, 20_000, 50_000, (byte) 0);
        Arrays.fill(model, 64 * 1024, 96 * 1024, (byte) 0);
        assertContent(v, model);
        for (int pass = 0; pass < 2; pass++) {
          List<Extent> status = v.blockStatus(0, 1 << 20);
          long data = status.stream().filter(Extent::allocated).mapToLong(Extent::length).sum();
          // 10_000..110_000 touches blocks 2..26; blocks 5..11 were trimmed whole (20480..49151),
          // and 16..23 zeroed whole.
          assertEquals((25L - 7 - 8) * bs, data, "pass " + pass + ": " + status);
          assertEquals(1 << 20, status.stream().mapToLong(Extent::length).sum());
          pool.volumes().flushAll();
        }
        assertContent(v, model);
      }
    }
  }

  @Test
  void snapshotsAreFrozenClonesAreIndependentAndRollbackDiscards() throws Exception {
    int bs = 4096;
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("base", new VolumeSpec(64 * bs, bs, "lz4", "default"));
      byte[] a = bytes(1, 64 * bs);
      byte[] b = a.clone();
      try (Volume v = pool.volumes().open("base")) {
        v.write(0, a, 0, a.length, false);
        pool.volumes().snapshot("base", "s1");
        byte[] patch = bytes(2, 3 * bs);
        v.write(5 * bs + 17, patch, 0, patch.length, false);
        System.arraycopy(patch, 0, b, 5 * bs + 17, patch.length);
        try (Volume s1 = pool.volumes().openSnapshot("base", "s1")) {
          assertTrue(s1.readOnly());
          assertContent(s1, a);
          assertThrows(ReadOnlyVolumeException.class, () -> s1.write(0, a, 0, 1, false));
          assertThrows(
              VolumeBusyException.class, () -> pool.volumes().deleteSnapshot("base", "s1"));
        }
        pool.volumes().clone("base", "s1", "child");
        try (Volume c = pool.volumes().open("child")) {
          assertContent(c, a);
          c.write(0, new byte[] {9, 9, 9}, 0, 3, false);
        }
        assertContent(v, b);
        List<Extent> d = pool.volumes().diff(new StateRef("base", "s1"), StateRef.head("base"));
        assertEquals(List.of(new Extent(5L * bs, 4L * bs, true)), d);
        pool.volumes().rollback("base", "s1");
        assertContent(v, a);
        assertEquals(
            List.of(), pool.volumes().diff(new StateRef("base", "s1"), StateRef.head("base")));
      }
      // deleting the snapshot a clone came from leaves the clone intact
      pool.volumes().deleteSnapshot("base", "s1");
      pool.volumes().collectGarbage();
      byte[] child = a.clone();
      child[0] = child[1] = child[2] = 9;
      try (Volume c = pool.volumes().open("child")) {
        assertContent(c, child);
      }
      assertEquals("base@s1", pool.volumes().info("child").origin());
    }
  }

  @Test
  void namesAndLifecycleErrorsAreDistinct() throws Exception {
    try (TestPool pool = new TestPool(dir)) {
      assertThrows(
          InvalidNameException.class, () -> pool.volumes().create(".hidden", VolumeSpec.ofSize(1)));
      assertThrows(
          InvalidNameException.class, () -> pool.volumes().create("a/b", VolumeSpec.ofSize(1)));
      assertThrows(
          InvalidNameException.class,
          () -> pool.volumes().create("x".repeat(129), VolumeSpec.ofSize(1)));
      pool.volumes().create("x".repeat(128), VolumeSpec.ofSize(1));
      pool.volumes().create("vm-1.disk_0", VolumeSpec.ofSize(1 << 20));
      assertThrows(
          VolumeExistsException.class,
          () -> pool.volumes().create("vm-1.disk_0", VolumeSpec.ofSize(1)));
      assertThrows(NoSuchVolumeException.class, () -> pool.volumes().open("nope"));
      assertThrows(
          NoSuchVolumeException.class, () -> pool.volumes().openSnapshot("vm-1.disk_0", "nope"));
      Volume v = pool.volumes().open("vm-1.disk_0");
      assertThrows(VolumeBusyException.class, () -> pool.volumes().delete("vm-1.disk_0", false));
      v.write(0, new byte[] {1}, 0, 1, false);
      pool.volumes().rename("vm-1.disk_0", "renamed");
      v.write(1, new byte[] {2}, 0, 1, false);
      pool.volumes().flushAll();
      v.close();
      assertNull(
          pool.volumes().list().stream()
              .filter(i -> i.name().equals("vm-1.disk_0"))
              .findAny()
              .orElse(null));
      pool.volumes().snapshot("renamed", "s");
      assertThrows(VolumeBusyException.class, () -> pool.volumes().delete("renamed", false));
      pool.reopen();
      try (Volume r = pool.volumes().open("renamed")) {
        byte[] two = new byte[2];
        r.read(0, two, 0, 2);
        assertArrayEquals(new byte[] {1, 2}, two);
      }
      pool.volumes().delete("renamed", true);
      assertFalse(pool.volumes().list().stream().anyMatch(i -> i.name().equals("renamed")));
    }
  }

  @Test
  void snapshotNamesMayHoldColons() throws Exception {
    String auto = "auto-2026-11-24T10:00Z";
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("vm", VolumeSpec.ofSize(1 << 20));
      try (Volume v = pool.volumes().open("vm")) {
        v.write(0, new byte[] {7}, 0, 1, false);
      }
      assertEquals("vm@" + auto, pool.volumes().snapshot("vm", auto).fullName());
      assertThrows(InvalidNameException.class, () -> pool.volumes().snapshot("vm", ":x"));
      assertThrows(
          InvalidNameException.class, () -> pool.volumes().create("vm:2", VolumeSpec.ofSize(1)));
      assertThrows(InvalidNameException.class, () -> pool.volumes().clone("vm", auto, "c:1"));
      pool.volumes().clone("vm", auto, "c1");
      assertEquals("vm@" + auto, pool.volumes().info("c1").origin());
      assertEquals(
          List.of(), pool.volumes().diff(StateRef.parse("vm@" + auto), StateRef.head("vm")));
      pool.reopen();
      try (Volume s = pool.volumes().openSnapshot("vm", auto)) {
        byte[] one = new byte[1];
        s.read(0, one, 0, 1);
        assertEquals(7, one[0]);
      }
      pool.volumes().rollback("vm", auto);
      pool.volumes().deleteSnapshot("vm", auto);
      assertEquals(List.of(), pool.volumes().snapshots("vm"));
    }
  }
}
