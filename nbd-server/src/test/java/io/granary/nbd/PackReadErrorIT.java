package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.TestExports;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.ExternalTool;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack the medium cannot read (EIO from a bad sector, injected by {@link FaultyMedium})
 * under a real NBD server and qemu-io: the blocks whose chunks lie in it read as EIO on a
 * session that goes on, every other block reads right, a client of another volume working at
 * the same time notices nothing, scrub names exactly those chunks, and once the medium reads
 * again every block reads back and nothing was marked lost.
 */
class PackReadErrorIT {
  private static final int BLOCK = 64 << 10;
  private static final int BLOCKS = 96;
  private static final Pattern READ_OK =
      Pattern.compile(
          "^read " + BLOCK + "/" + BLOCK + " bytes at offset (\\d+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  /** Block {@code i} of a volume is {@code BLOCK} bytes of one value, distinct across both. */
  private static int pattern(String volume, int i) {
    return (volume.equals("a") ? 1 : 101) + i;
  }

  private static ChunkId chunkOf(String volume, int i) throws Exception {
    byte[] block = new byte[BLOCK];
    Arrays.fill(block, (byte) pattern(volume, i));
    return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(block));
  }

  /** One qemu-io session reading every block with its pattern; the offsets that read right. */
  private static Set<Long> readAll(String uri, String volume, List<String> said) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
    for (int i = 0; i < BLOCKS; i++) {
      cmd.addAll(
          List.of("-c", "read -P " + pattern(volume, i) + " " + (long) i * BLOCK + " " + BLOCK));
    }
    cmd.add(uri);
    ExternalTool.Result r = run(cmd);
    String out = r.stdout() + r.stderr();
    said.add(out);
    assertFalse(out.contains("Pattern verification failed"), "no block reads wrong: " + out);
    Set<Long> ok = new TreeSet<>();
    Matcher m = READ_OK.matcher(r.stdout());
    while (m.find()) {
      ok.add(Long.parseLong(m.group(1)));
    }
    long eio = out.lines().filter(l -> l.equals("read failed: Input/output error")).count();
    assertEquals(BLOCKS - ok.size(), eio, "every block that did not read is EIO: " + out);
    return ok;
  }

  @Test
  void blocksInAnUnreadablePackAreEioTheRestReadAndAllReadOnceItClears() throws Exception {
    ExternalTool.require("qemu-io", "nbdinfo");
    // Small packs, raw chunks: the 64 KiB blocks spread over several packs.
    UnaryOperator<ChunkStoreConfig> smallPacks =
        c -> c.withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
    TestPool pool = new TestPool(dir, c -> ChunkStores.open(smallPacks.apply(c)), c -> c);
    try (TestExports exports = new TestExports(pool)) {
      for (String v : List.of("a", "b")) {
        exports
            .volumes()
            .create(v, new VolumeSpec((long) BLOCKS * BLOCK, BLOCK, "none", "default"));
        try (Volume vol = exports.volumes().open(v)) {
          byte[] block = new byte[BLOCK];
          for (int i = 0; i < BLOCKS; i++) {
            Arrays.fill(block, (byte) pattern(v, i));
            vol.write((long) i * BLOCK, block, 0, BLOCK, false);
          }
        }
        exports.volumes().flushAll();
      }
    }

    // The bad pack: the first that holds blocks of a and nothing else (no map page, no block
    // of b); the flusher stores blocks in no particular order.
    Map<ChunkId, Integer> blockOfA = new HashMap<>();
    for (int i = 0; i < BLOCKS; i++) {
      blockOfA.put(chunkOf("a", i), i);
    }
    Map.Entry<Integer, List<ChunkId>> onlyA =
        StoredChunks.packHoldingOnly(pool.chunkStoreDir(), blockOfA.keySet());
    int bad = onlyA.getKey();
    Set<Long> lost = new TreeSet<>();
    for (ChunkId id : onlyA.getValue()) {
      lost.add((long) blockOfA.get(id) * BLOCK);
    }
    assertTrue(lost.size() >= 4 && lost.size() < BLOCKS, "blocks in the bad pack: " + lost);

    FaultyMedium medium = new FaultyMedium();
    try (TestExports exports =
        new TestExports(new TestPool(dir, c -> medium.open(smallPacks.apply(c)), c -> c))) {
      ChunkStore chunks = exports.pool().chunks();
      NbdServer server = exports.serve();
      String a = TestExports.uri(server, "test/a");
      String b = TestExports.uri(server, "test/b");
      medium.failReads(bad, true);

      // Another client works on b the whole time: writes, flushes, reads back.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong bOps = new AtomicLong();
      CompletableFuture<Void> neighbour =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int round = 0; !stop.get() || round < 2; round++) {
                    int i = round % BLOCKS;
                    int p = 200 + round % 50;
                    run(
                            "qemu-io",
                            "-f",
                            "raw",
                            "-c",
                            "write -P " + p + " " + (long) i * BLOCK + " " + BLOCK,
                            "-c",
                            "flush",
                            "-c",
                            "read -P " + p + " " + (long) i * BLOCK + " " + BLOCK,
                            b)
                        .ok();
                    run(
                            "qemu-io",
                            "-f",
                            "raw",
                            "-c",
                            "write -P " + pattern("b", i) + " " + (long) i * BLOCK + " " + BLOCK,
                            b)
                        .ok();
                    bOps.addAndGet(4);
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });

      List<String> said = new ArrayList<>();
      Set<Long> all = new TreeSet<>();
      for (int i = 0; i < BLOCKS; i++) {
        all.add((long) i * BLOCK);
      }
      Set<Long> expectOk = new TreeSet<>(all);
      expectOk.removeAll(lost);
      int sessions = 3;
      for (int s = 0; s < sessions; s++) {
        assertEquals(expectOk, readAll(a, "a", said), "the blocks outside the bad pack, once more");
      }
      stop.set(true);
      neighbour.join();
      assertEquals(all, readAll(b, "b", said), "b is untouched");
      run("nbdinfo", "--list", "nbd://127.0.0.1:" + TestExports.port(server)).ok();

      // Scrub names exactly the chunks of the bad pack, and goes on past them.
      ScrubReport during = chunks.scrub(ProgressListener.NONE);
      assertEquals(
          lost.stream().map(o -> blockChunk("a", o)).collect(Collectors.toSet()),
          during.damaged().stream().map(DamagedChunk::id).collect(Collectors.toSet()),
          during.damaged().toString());
      assertEquals(
          List.of(bad),
          during.damagedPacks().stream().map(DamagedPack::packId).toList(),
          "its header cannot be read either");
      long faults = medium.readFaultsInjected();

      // The error passes: every block reads, nothing was marked lost.
      medium.failReads(bad, false);
      assertEquals(all, readAll(a, "a", said));
      assertTrue(chunks.scrub(ProgressListener.NONE).clean());
      System.out.println(
          "PackReadErrorIT: "
              + faults
              + " read faults injected into pack "
              + bad
              + " ("
              + lost.size()
              + " of a's "
              + BLOCKS
              + " blocks); qemu-io got EIO for exactly "
              + "those blocks in "
              + sessions
              + " sessions and read the other "
              + (BLOCKS - lost.size())
              + " right; "
              + bOps.get()
              + " operations on b meanwhile, all "
              + "right; scrub named exactly "
              + during.damaged().size()
              + " chunks and the pack's "
              + "header; after the fault cleared all blocks read back; "
              + ((long) sessions * expectOk.size() + 2L * BLOCKS) * BLOCK
              + " bytes verified");
    }
  }

  private static ChunkId blockChunk(String volume, long offset) {
    try {
      return chunkOf(volume, (int) (offset / BLOCK));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
