package io.granary.snapshots.volume;

import static io.granary.snapshots.volume.VolumeBasicsTest.assertContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.ProgressListener;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-volume data services: dedupe off keeps a volume's chunks its own (its blocks carry a
 * domain tag), codec and dedupe change on a live volume for later flushes, and everything that
 * reads trees (snapshots, clones, diff, stats, GC, scrub) keeps working over tagged chunks.
 */
class VolumeServicesTest {
  private static final int MIB = 1 << 20;
  private static final int BS = 16 << 10;

  @TempDir Path dir;

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static VolumeSpec spec(long size, boolean dedupe) {
    return new VolumeSpec(size, BS, "lz4", "default", dedupe);
  }

  private static long unique(TestPool pool) throws IOException {
    return pool.chunks().stats().uniqueBytes();
  }

  private static void write(TestPool pool, String volume, long offset, byte[] data)
      throws IOException {
    try (Volume v = pool.volumes().open(volume)) {
      v.write(offset, data, 0, data.length, false);
    }
    pool.volumes().flushAll();
  }

  private static void assertVolume(TestPool pool, String volume, byte[] model) throws Exception {
    try (Volume v = pool.volumes().open(volume)) {
      assertContent(v, model);
    }
  }

  @Test
  void dedupeOnStoresEqualDataOnceOffStoresItPerVolume() throws Exception {
    byte[] x = random(1, 8 * MIB);
    try (TestPool pool = new TestPool(dir)) {
      for (String name : List.of("on1", "on2")) {
        pool.volumes().create(name, spec(8 * MIB, true));
      }
      for (String name : List.of("off1", "off2")) {
        pool.volumes().create(name, spec(8 * MIB, false));
      }
      long u0 = unique(pool);
      write(pool, "on1", 0, x);
      long u1 = unique(pool);
      write(pool, "on2", 0, x);
      long u2 = unique(pool);
      write(pool, "off1", 0, x);
      long u3 = unique(pool);
      write(pool, "off2", 0, x);
      long u4 = unique(pool);
      assertTrue(u1 - u0 >= 8 * MIB, "the first copy is stored: " + (u1 - u0));
      assertTrue(
          u2 - u1 < 64 << 10, "the second dedupe-on copy costs map pages only: " + (u2 - u1));
      assertTrue(u3 - u2 >= 8 * MIB, "a dedupe-off volume stores its own: " + (u3 - u2));
      assertTrue(u4 - u3 >= 8 * MIB, "and so does another: " + (u4 - u3));
      assertTrue(u4 - u3 < 8 * MIB + (64 << 10), "plus 8 bytes a block and pages: " + (u4 - u3));
      for (String name : List.of("on1", "on2", "off1", "off2")) {
        assertVolume(pool, name, x);
      }
      assertEquals(8L * MIB, pool.volumes().stats("on1").sharedBytes());
      assertEquals(8L * MIB, pool.volumes().stats("off1").uniqueBytes());
      assertEquals(0, pool.volumes().stats("off2").sharedBytes());
      assertFalse(pool.volumes().info("off1").dedupe());
      assertTrue(pool.volumes().info("on1").dedupe());
      assertTrue(pool.chunks().scrub(ProgressListener.NONE).clean());
      pool.reopen();
      assertVolume(pool, "off2", x);
    }
  }

  @Test
  void aDedupeOffVolumeSharesEqualBlocksWithinItself() throws Exception {
    byte[] block = random(2, BS);
    byte[] model = new byte[64 * BS];
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("off", spec(model.length, false));
      long u0 = unique(pool);
      try (Volume v = pool.volumes().open("off")) {
        for (int i = 0; i < 64; i++) {
          v.write((long) i * BS, block, 0, BS, false);
          System.arraycopy(block, 0, model, i * BS, BS);
        }
        pool.volumes().flushAll();
        assertContent(v, model);
      }
      long grew = unique(pool) - u0;
      assertTrue(grew >= BS && grew < 2 * BS, "one tagged block and a leaf page: " + grew);
      assertEquals(BS, pool.volumes().stats("off").uniqueBytes(), "distinct blocks");
    }
  }

  @Test
  void switchingALiveVolumeAppliesToLaterFlushes() throws Exception {
    byte[] x = random(3, 4 * MIB);
    byte[] model = new byte[16 * MIB];
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("src", spec(4 * MIB, true));
      write(pool, "src", 0, x);
      pool.volumes().create("v", spec(model.length, true));
      try (Volume v = pool.volumes().open("v")) {
        long u0 = unique(pool);
        v.write(0, x, 0, x.length, false);
        pool.volumes().flushAll();
        long u1 = unique(pool);
        assertTrue(u1 - u0 < 64 << 10, "dedupe on: shared with src: " + (u1 - u0));

        v.write(4 * MIB, x, 0, x.length, false); // buffered before the switch, flushed after
        pool.volumes().setServices("v", "lz4", false, "gold");
        pool.volumes().flushAll();
        long u2 = unique(pool);
        assertTrue(u2 - u1 >= 4 * MIB, "dedupe off: stored again: " + (u2 - u1));
        v.write(8 * MIB, x, 0, x.length, false);
        pool.volumes().flushAll();
        long u3 = unique(pool);
        assertTrue(u3 - u2 < 64 << 10, "the same tag: shared within v: " + (u3 - u2));

        pool.volumes().setServices("v", "lz4", true, "gold");
        v.write(12 * MIB, x, 0, x.length, false);
        pool.volumes().flushAll();
        long u4 = unique(pool);
        assertTrue(u4 - u3 < 64 << 10, "dedupe on again: shared with src: " + (u4 - u3));
        for (int i = 0; i < 4; i++) {
          System.arraycopy(x, 0, model, i * 4 * MIB, x.length);
        }
        // A partial write over tagged and untagged blocks reads its base from both kinds.
        byte[] patch = random(4, 3 * BS);
        v.write(8 * MIB - BS - 5, patch, 0, patch.length, false);
        System.arraycopy(patch, 0, model, 8 * MIB - BS - 5, patch.length);
        assertContent(v, model);
        pool.volumes().flushAll();
        assertContent(v, model);
      }
      VolumeInfo info = pool.volumes().info("v");
      assertEquals(
          List.of("lz4", "gold", true), List.of(info.codec(), info.profile(), info.dedupe()));
      assertTrue(pool.chunks().scrub(ProgressListener.NONE).clean());
      pool.reopen();
      assertVolume(pool, "v", model);
    }
  }

  @Test
  void aCodecChangeAppliesToLaterFlushesWithoutReopening() throws Exception {
    byte[] text =
        "granary volumes compress well when they hold text. "
            .repeat(400)
            .getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(text, 8 * BS);
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("v", new VolumeSpec(MIB, BS, "none", "default", false));
      try (Volume v = pool.volumes().open("v")) {
        long zstd0 = pool.chunks().stats().chunksByCodec().get(Codec.ZSTD);
        v.write(0, data, 0, data.length, false);
        pool.volumes().flushAll();
        assertEquals(zstd0, pool.chunks().stats().chunksByCodec().get(Codec.ZSTD));
        pool.volumes().setServices("v", "zstd:5", false, "default");
        data[0] = 'G'; // new content: a new chunk
        v.write(0, data, 0, data.length, false);
        pool.volumes().flushAll();
        assertTrue(pool.chunks().stats().chunksByCodec().get(Codec.ZSTD) > zstd0);
        byte[] model = new byte[MIB];
        System.arraycopy(data, 0, model, 0, data.length);
        assertContent(v, model);
      }
      assertEquals("zstd:5", pool.volumes().info("v").codec());
    }
  }

  @Test
  void servicesAreValidatedAndPersisted() throws Exception {
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("v", VolumeSpec.ofSize(MIB));
      VolumeException e =
          assertThrows(
              VolumeException.class,
              () -> pool.volumes().setServices("v", "gzip", true, "default"));
      assertEquals(VolumeException.Kind.INVALID, e.kind());
      assertEquals(
          VolumeException.Kind.INVALID,
          assertThrows(
                  VolumeException.class,
                  () -> pool.volumes().setServices("v", "zstd:99", true, "default"))
              .kind());
      assertEquals(
          VolumeException.Kind.INVALID,
          assertThrows(
                  VolumeException.class, () -> pool.volumes().setServices("v", "lz4", true, ".bad"))
              .kind());
      assertEquals(
          VolumeException.Kind.INVALID,
          assertThrows(
                  VolumeException.class,
                  () -> pool.volumes().create("w", new VolumeSpec(MIB, BS, "gzip", "default")))
              .kind());
      assertThrows(
          NoSuchVolumeException.class,
          () -> pool.volumes().setServices("nope", "lz4", true, "default"));
      pool.volumes().setServices("v", "zstd:7", false, "silver"); // not open: the row alone
      pool.reopen();
      VolumeInfo info = pool.volumes().info("v");
      assertEquals(
          List.of("zstd:7", "silver", false), List.of(info.codec(), info.profile(), info.dedupe()));
      assertEquals(MIB, pool.volumes().info("v").size());
    }
  }

  @Test
  void snapshotsClonesDiffAndGcWorkOverTaggedChunks() throws Exception {
    byte[] x = random(5, 2 * MIB);
    try (TestPool pool = new TestPool(dir)) {
      pool.volumes().create("off", spec(x.length, false));
      write(pool, "off", 0, x);
      pool.volumes().snapshot("off", "s");
      VolumeInfo c = pool.volumes().clone("off", "s", "clone");
      assertFalse(c.dedupe(), "a clone takes its origin's services");
      byte[] y = x.clone();
      byte[] patch = random(6, BS);
      System.arraycopy(patch, 0, y, 3 * BS, BS);
      long u0 = unique(pool);
      write(pool, "clone", 3 * BS, patch);
      assertTrue(unique(pool) - u0 < 64 << 10, "the clone shares its origin's tagged chunks");
      assertEquals(
          List.of(new Extent(3L * BS, BS, true)),
          pool.volumes().diff(new StateRef("off", "s"), StateRef.head("clone")));
      assertEquals(List.of(), pool.volumes().diff(new StateRef("off", "s"), StateRef.head("off")));
      assertEquals(2L * MIB - BS, pool.volumes().stats("clone").sharedBytes());

      // The clone's own block is tagged with its id: the same bytes in the origin are another
      // chunk.
      write(pool, "off", 3 * BS, patch);
      assertEquals(2L * MIB - BS, pool.volumes().stats("clone").sharedBytes());
      assertEquals(
          List.of(new Extent(3L * BS, BS, true)),
          pool.volumes().diff(StateRef.head("off"), StateRef.head("clone")),
          "equal bytes under different tags show as changed (docs/format.md §4.2)");

      pool.volumes().delete("off", true);
      pool.volumes().collectGarbage();
      assertVolume(pool, "clone", y);
      assertTrue(pool.chunks().scrub(ProgressListener.NONE).clean());
      pool.reopen();
      assertVolume(pool, "clone", y);
    }
  }

  @Test
  void aDedupeOffVolumeReplaysItsJournalAfterAKill9() throws Exception {
    Process child = ChildJvm.start(ServicesCrashWriter.class, dir.toString());
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("READY", out.readLine());
    } finally {
      ChildJvm.kill9(child);
    }
    byte[] x = ServicesCrashWriter.data();
    byte[] model = new byte[ServicesCrashWriter.SIZE];
    System.arraycopy(x, 0, model, 0, x.length);
    System.arraycopy(x, 0, model, x.length, x.length);
    try (TestPool pool = new TestPool(dir)) {
      assertVolume(pool, "off", model);
      long u0 = unique(pool);
      pool.volumes().flushAll();
      assertTrue(
          unique(pool) - u0 < 64 << 10,
          "the replayed copy shares the volume's tagged chunks: " + (unique(pool) - u0));
      assertVolume(pool, "off", model);
      assertTrue(pool.chunks().scrub(ProgressListener.NONE).clean());
    }
  }
}
