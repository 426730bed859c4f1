package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.api.StoreFullException;
import io.granary.testing.ChildJvm;
import io.granary.testing.TestData;
import io.granary.testing.Tmpfs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index (and the catalog in it) on a file system full to the last byte: the commits that
 * give space back (forgetting chunks, deleting packs), the catalog changes that precede them
 * and the recovery of a restart must still succeed, and a commit that cannot is a full disk
 * (NO_SPACE), never an I/O error.
 */
class FullDiskRecoveryTest {
  private static final int CHUNK = 100_000;

  @TempDir Path dir;

  private static ChunkStoreConfig config(Path store) {
    return ChunkStoreConfig.defaults(store).withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
  }

  private static ChunkId id(byte[] d) throws Exception {
    return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(d));
  }

  @Test
  void onAFullDiskCatalogChangesAndAGcSucceedAndGiveTheSpaceBack() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 24L << 20)) {
      ChunkStoreConfig config = config(fs.path().resolve("store"));
      int stored = 0;
      try (ChunkStore store = ChunkStores.open(config)) {
        while (true) {
          try {
            store.put(TestData.random(stored, CHUNK));
            stored++;
          } catch (StoreFullException e) {
            break;
          }
          if (stored > 1000) {
            fail("a 24 MiB file system never filled up");
          }
        }
        long slack = fs.fillUp(fs.path().resolve("filler"));
        assertEquals(0, fs.available(), "full to the last byte");

        // The puts since the last commit, then catalog changes (as a volume's deletion makes).
        store.sync();
        CatalogBatch rows = new CatalogBatch();
        for (int i = 0; i < 100; i++) {
          rows.put("volumes", ("vm" + i).getBytes(StandardCharsets.UTF_8), new byte[200]);
        }
        store.catalog().apply(rows);
        // Everything is garbage: the sweep forgets it all, compaction deletes the packs.
        GcReport gc = store.collectGarbage(marker -> {}, GcOptions.DEFAULT);
        assertEquals(stored, gc.chunksSwept(), gc.toString());
        assertTrue(gc.packsCompacted() >= stored * CHUNK / (1 << 20) - 1, gc.toString());
        assertTrue(fs.available() > 8L << 20, "the packs' space came back: " + fs.available());

        for (int i = stored; i < stored + 20; i++) {
          store.put(TestData.random(i, CHUNK));
        }
        store.sync();
        System.out.println(
            "FullDiskRecoveryTest: "
                + stored
                + " chunks of "
                + CHUNK
                + " bytes filled a 24 MiB tmpfs, "
                + slack
                + " bytes of slack taken by a filler;"
                + " 1 catalog batch, 1 sync and a gc committed on the full disk; "
                + gc.packBytesReclaimed()
                + " pack bytes reclaimed");
      }
      try (ChunkStore store = ChunkStores.open(config)) {
        for (int i = stored; i < stored + 20; i++) {
          assertArrayEquals(TestData.random(i, CHUNK), store.get(id(TestData.random(i, CHUNK))));
        }
        assertFalse(store.contains(id(TestData.random(0, CHUNK))));
        assertTrue(store.scrub(ProgressListener.NONE).clean());
      }
    }
  }

  @Test
  void aRestartOnAFullDiskIndexesWhatTheCrashedProcessAppended() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 24L << 20)) {
      Path store = fs.path().resolve("store");
      int appended = 40;
      Process child =
          ChildJvm.start(
              UnsyncedWriter.class,
              store.toString(),
              String.valueOf(appended),
              String.valueOf(CHUNK));
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        assertEquals("APPENDED " + appended, out.readLine());
      } finally {
        ChildJvm.kill9(child);
      }
      fs.fillUp(fs.path().resolve("filler"));
      assertEquals(0, fs.available(), "full to the last byte");

      // Recovery must commit index entries for every record the crashed process appended.
      try (ChunkStore s = ChunkStores.open(config(store))) {
        for (int i = 0; i < appended; i++) {
          assertArrayEquals(
              TestData.random(i, CHUNK), s.get(id(TestData.random(i, CHUNK))), "chunk " + i);
        }
        assertTrue(s.scrub(ProgressListener.NONE).clean());
      }
      System.out.println(
          "FullDiskRecoveryTest: a restart on a full tmpfs indexed "
              + appended
              + " records ("
              + appended * CHUNK
              + " bytes) a killed process had appended");
    }
  }

  @Test
  void anIndexCommitTheDiskCannotTakeIsNoSpace() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 24L << 20)) {
      ChunkStoreConfig config = config(fs.path().resolve("store"));
      try (ChunkStore store = ChunkStores.open(config)) {
        store.put(TestData.random(1, CHUNK));
        store.sync();
        Path filler = fs.path().resolve("filler");
        fs.fillUp(filler);
        // A little room left: LMDB's multi-page write is then cut short, which LMDB reports
        // as EIO rather than ENOSPC.
        try (var ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
          ch.truncate(ch.size() - 12 * 1024);
        }
        // Far more than any reserve: 16 MiB of catalog rows in one batch.
        CatalogBatch huge = new CatalogBatch();
        for (int i = 0; i < 4096; i++) {
          huge.put("blobs", ByteBufferKey.of(i), new byte[4096]);
        }
        StoreException e = assertThrows(StoreException.class, () -> store.catalog().apply(huge));
        assertEquals(StoreException.Kind.NO_SPACE, e.kind(), e.toString());
        // Nothing was harmed: the store goes on once there is room.
        Files.delete(filler);
        store.put(TestData.random(2, CHUNK));
        store.sync();
        assertArrayEquals(TestData.random(1, CHUNK), store.get(id(TestData.random(1, CHUNK))));
        assertTrue(store.scrub(ProgressListener.NONE).clean());
      }
    }
  }

  @Test
  void aGcOnAFullDiskDeletesDeadPacksFirstSoThatTheLiveRecordsOfOthersCanMove() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 24L << 20)) {
      ChunkStoreConfig config = config(fs.path().resolve("store"));
      List<ChunkId> ids = new ArrayList<>();
      try (ChunkStore store = ChunkStores.open(config)) {
        while (true) {
          try {
            ids.add(store.put(TestData.random(ids.size(), CHUNK)));
          } catch (StoreFullException e) {
            break;
          }
          if (ids.size() > 1000) {
            fail("a 24 MiB file system never filled up");
          }
        }
        fs.fillUp(fs.path().resolve("filler"));
        // The first pack keeps one chunk in four, so it must be copied before it can go; every
        // later pack is dead and goes without copying anything.
        int firstPack = (1 << 20) / CHUNK;
        List<ChunkId> kept = new ArrayList<>();
        for (int i = 0; i < firstPack; i += 4) {
          kept.add(ids.get(i));
        }
        GcReport gc = store.collectGarbage(m -> kept.forEach(m::mark), GcOptions.DEFAULT);
        assertEquals(ids.size() - kept.size(), gc.chunksSwept(), gc.toString());
        assertTrue(gc.packsCompacted() >= ids.size() * CHUNK / (1 << 20) - 1, gc.toString());
        for (ChunkId id : kept) {
          int i = ids.indexOf(id);
          assertArrayEquals(TestData.random(i, CHUNK), store.get(id), "kept chunk " + i);
        }
        assertTrue(store.scrub(ProgressListener.NONE).clean());
        System.out.println(
            "FullDiskRecoveryTest: a gc on a full 24 MiB tmpfs compacted "
                + gc.packsCompacted()
                + " packs ("
                + gc.packBytesReclaimed()
                + " bytes) and moved "
                + kept.size()
                + " live chunks; "
                + kept.size() * CHUNK
                + " bytes verified");
      }
    }
  }

  @Test
  void aGcOnAFullDiskWithNothingToDeleteForgetsAndCompactsLater() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 24L << 20)) {
      ChunkStoreConfig config = config(fs.path().resolve("store"));
      List<ChunkId> ids = fill(config);
      Path filler = fs.path().resolve("filler");
      try (ChunkStore store = ChunkStores.open(config)) {
        fs.fillUp(filler);
        // One chunk in four lives in every pack: nothing can go without copying first.
        List<ChunkId> kept = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 4) {
          kept.add(ids.get(i));
        }
        GcReport full = store.collectGarbage(m -> kept.forEach(m::mark), GcOptions.DEFAULT);
        assertEquals(ids.size() - kept.size(), full.chunksSwept(), full.toString());
        for (ChunkId id : kept) {
          int i = ids.indexOf(id);
          assertArrayEquals(TestData.random(i, CHUNK), store.get(id), "kept chunk " + i);
        }
        fs.resize(40L << 20);
        GcReport later = store.collectGarbage(m -> kept.forEach(m::mark), GcOptions.DEFAULT);
        assertTrue(later.packsCompacted() > 0, later.toString());
        for (ChunkId id : kept) {
          int i = ids.indexOf(id);
          assertArrayEquals(TestData.random(i, CHUNK), store.get(id), "kept chunk " + i);
        }
        assertTrue(store.scrub(ProgressListener.NONE).clean());
        System.out.println(
            "FullDiskRecoveryTest: a gc on a full tmpfs forgot "
                + full.chunksSwept()
                + " chunks and compacted "
                + full.packsCompacted()
                + " packs; with room, the next compacted "
                + later.packsCompacted()
                + "; "
                + kept.size() * CHUNK
                + " bytes verified twice");
      }
    }
  }

  /** Puts chunks of {@code CHUNK} random bytes until the disk is full; returns their ids. */
  private static List<ChunkId> fill(ChunkStoreConfig config) throws Exception {
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      while (true) {
        try {
          ids.add(store.put(TestData.random(ids.size(), CHUNK)));
        } catch (StoreFullException e) {
          return ids;
        }
        if (ids.size() > 1000) {
          fail("the file system never filled up");
        }
      }
    }
  }

  /** Distinct 4-byte keys. */
  private static final class ByteBufferKey {
    static byte[] of(int i) {
      return ByteBuffer.allocate(4).putInt(i).array();
    }
  }

  /** Runs in a child JVM: appends chunks, never syncs, says so and waits to be killed. */
  public static final class UnsyncedWriter {
    public static void main(String[] args) throws Exception {
      ChunkStore store = ChunkStores.open(config(Path.of(args[0])));
      int n = Integer.parseInt(args[1]);
      int size = Integer.parseInt(args[2]);
      List<ChunkId> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(store.put(TestData.random(i, size)));
      }
      System.out.println("APPENDED " + ids.size());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
