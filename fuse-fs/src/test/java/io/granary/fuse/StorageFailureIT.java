package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.DamagedChunk;
import io.granary.dedupe.api.DamagedPack;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.dedupe.testing.FaultyMedium;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.FuseMounts;
import io.granary.fuse.api.MountConfig;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.ExternalTool;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full pool is ENOSPC, and a damaged chunk or an unreadable pack EIO, through the mount; the
 * rest stays readable.
 */
class StorageFailureIT {
  private static final int MIB = 1 << 20;
  private static final int BLOCK = 16 << 10;

  @TempDir Path dir;

  @Test
  void aFullPoolIsEnospc() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "dd");
    FaultyMedium medium = new FaultyMedium();
    // A small dirty budget: once the medium is full, buffered writes cannot drain.
    try (TestNamespace ns =
            new TestNamespace(
                new TestPool(
                    dir.resolve("pool"), medium::open, c -> c.withDirtyLimit(2 * MIB, 256 << 10)));
        FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), ns)) {
      ns.volumes().create("vm", VolumeSpec.ofSize(64 * MIB));
      Path file = mount.mountPoint().resolve("test/vm");
      medium.fillAfter(0);
      try {
        var r =
            ExternalTool.run(
                120,
                "dd",
                "if=/dev/urandom",
                "of=" + file,
                "bs=1M",
                "count=32",
                "conv=notrunc,fsync",
                "status=none");
        assertTrue(r.exit() != 0 && r.stderr().contains("No space left on device"), r.stderr());
      } finally {
        medium.freeSpace();
      }
    }
  }

  @Test
  void aDamagedChunkIsEioAndTheRestStaysReadable() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "dd");
    byte[] damaged = TestData.random(1, BLOCK);
    byte[] intact = TestData.random(2, BLOCK);
    TestPool pool = new TestPool(dir.resolve("pool"));
    try (TestNamespace ns = new TestNamespace(pool)) {
      ns.volumes().create("vm", VolumeSpec.ofSize(MIB));
      try (Volume v = ns.volumes().open("vm")) {
        v.write(0, damaged, 0, BLOCK, false);
        v.write(BLOCK, intact, 0, BLOCK, false);
      }
      ns.volumes().flushAll();
    }
    ChunkId id = ChunkId.of(MessageDigest.getInstance("SHA-256").digest(damaged));
    StoredChunks.find(pool.chunkStoreDir(), id).flipPayloadByte(100);

    try (TestNamespace ns = new TestNamespace(dir.resolve("pool"));
        FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), ns)) {
      Path file = mount.mountPoint().resolve("test/vm");
      var r =
          ExternalTool.run(
              60, "dd", "if=" + file, "of=/dev/null", "bs=4k", "count=1", "status=none");
      assertTrue(r.exit() != 0 && r.stderr().contains("Input/output error"), r.stderr());
      Path out = dir.resolve("block1");
      ExternalTool.run(
              60, "dd", "if=" + file, "of=" + out, "bs=16k", "skip=1", "count=1", "status=none")
          .ok();
      assertArrayEquals(intact, Files.readAllBytes(out));
    }
  }

  @Test
  void anUnreadablePackIsEioForItsBlocksOnlyAndPassesWhenTheMediumRecovers() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "dd");
    int block = 64 << 10;
    int blocks = 96;
    // Small packs, raw chunks: the blocks of a volume spread over several packs.
    UnaryOperator<ChunkStoreConfig> smallPacks =
        c -> c.withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
    Map<ChunkId, Integer> blockOfA = new HashMap<>();
    TestPool pool =
        new TestPool(dir.resolve("pool"), c -> ChunkStores.open(smallPacks.apply(c)), c -> c);
    try (TestNamespace ns = new TestNamespace(pool)) {
      for (String name : List.of("a", "b")) {
        ns.volumes().create(name, new VolumeSpec((long) blocks * block, block, "none", "default"));
        try (Volume v = ns.volumes().open(name)) {
          for (int i = 0; i < blocks; i++) {
            byte[] data = patterned(name, i, block);
            v.write((long) i * block, data, 0, block, false);
            if (name.equals("a")) {
              blockOfA.put(ChunkId.of(MessageDigest.getInstance("SHA-256").digest(data)), i);
            }
          }
        }
        ns.volumes().flushAll();
      }
    }
    Map.Entry<Integer, List<ChunkId>> onlyA =
        StoredChunks.packHoldingOnly(pool.chunkStoreDir(), blockOfA.keySet());
    int bad = onlyA.getKey();
    Set<Integer> lost =
        onlyA.getValue().stream().map(blockOfA::get).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(lost.size() >= 4 && lost.size() < blocks, lost.toString());

    FaultyMedium medium = new FaultyMedium();
    try (TestNamespace ns =
            new TestNamespace(
                new TestPool(dir.resolve("pool"), c -> medium.open(smallPacks.apply(c)), c -> c));
        FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), ns)) {
      ChunkStore chunks = ns.pool().chunks();
      Path a = mount.mountPoint().resolve("test/a");
      Path b = mount.mountPoint().resolve("test/b");
      medium.failReads(bad, true);

      // Another volume's file is written, fsynced and read back the whole time.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong neighbourBytes = new AtomicLong();
      CompletableFuture<Void> neighbour =
          CompletableFuture.runAsync(
              () -> {
                try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
                  byte[] back = new byte[block];
                  for (int round = 0; !stop.get() || round < 2; round++) {
                    int i = round % blocks;
                    byte[] other = new byte[block];
                    Arrays.fill(other, (byte) (200 + round % 50));
                    for (byte[] data : List.of(other, patterned("b", i, block))) {
                      f.seek((long) i * block);
                      f.write(data);
                      f.getFD().sync();
                      f.seek((long) i * block);
                      f.readFully(back);
                      assertArrayEquals(data, back, "b block " + i);
                      neighbourBytes.addAndGet(2L * block);
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });

      int passes = 3;
      long verified = 0;
      try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "r")) {
        for (int pass = 0; pass < passes; pass++) {
          for (int i = 0; i < blocks; i++) {
            byte[] back = new byte[block];
            f.seek((long) i * block);
            if (lost.contains(i)) {
              int at = i;
              IOException e =
                  assertThrows(
                      IOException.class,
                      () -> f.readFully(back),
                      "block " + at + " lies in the unreadable pack");
              assertTrue(
                  String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
            } else {
              f.readFully(back);
              assertArrayEquals(patterned("a", i, block), back, "block " + i);
              verified += block;
            }
          }
        }
      }
      int first = lost.iterator().next();
      var dd =
          ExternalTool.run(
              60,
              "dd",
              "if=" + a,
              "of=/dev/null",
              "bs=" + block,
              "skip=" + first,
              "count=1",
              "status=none");
      assertTrue(dd.exit() != 0 && dd.stderr().contains("Input/output error"), dd.stderr());
      stop.set(true);
      neighbour.join();

      ScrubReport during = chunks.scrub(ProgressListener.NONE);
      assertEquals(
          new TreeSet<>(onlyA.getValue()),
          during.damaged().stream()
              .map(DamagedChunk::id)
              .collect(Collectors.toCollection(TreeSet::new)));
      assertEquals(
          List.of(bad),
          during.damagedPacks().stream().map(DamagedPack::packId).toList(),
          "its header cannot be read either");
      long faults = medium.readFaultsInjected();

      medium.failReads(bad, false);
      Path out = dir.resolve("a.copy");
      ExternalTool.run(120, "dd", "if=" + a, "of=" + out, "bs=1M", "status=none").ok();
      byte[] all = Files.readAllBytes(out);
      for (int i = 0; i < blocks; i++) {
        assertArrayEquals(
            patterned("a", i, block),
            Arrays.copyOfRange(all, i * block, (i + 1) * block),
            "block " + i + " once clear");
      }
      assertTrue(chunks.scrub(ProgressListener.NONE).clean());
      System.out.println(
          "StorageFailureIT: "
              + faults
              + " read faults injected into pack "
              + bad
              + " ("
              + lost.size()
              + " of "
              + blocks
              + " blocks of a); reads through the FUSE file got"
              + " EIO for exactly those in "
              + passes
              + " passes and dd too; "
              + (verified + all.length + neighbourBytes.get())
              + " bytes verified (a's other blocks,"
              + " a whole once clear, b written and read back meanwhile); scrub named exactly "
              + during.damaged().size()
              + " chunks and the pack's header, then nothing");
    }
  }

  /**
   * Block {@code i} (below 100) of volume a or b: {@code length} bytes of one value, distinct
   * across both, so that no block of one shares a chunk with the other.
   */
  private static byte[] patterned(String volume, int i, int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) ((volume.equals("a") ? 1 : 101) + i));
    return b;
  }
}
