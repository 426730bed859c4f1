package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.api.StoreFullException;
import io.granary.dedupe.testing.FaultyMedium;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullDiskTest {
  @TempDir Path dir;

  @Test
  void aFullMediumFailsThePutCleanlyAndTheStoreRecoversWhenSpaceReturns() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE);
    FaultyMedium medium = new FaultyMedium();
    List<Integer> stored = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    try (ChunkStore store = medium.open(config)) {
      for (int i = 0; i < 10; i++) {
        store.put(TestData.random(i, 10_000));
        stored.add(i);
      }
      store.sync();
      medium.fillAfter(35_000); // room for three records, and part of a fourth
      for (int i = 10; i < 20; i++) {
        try {
          store.put(TestData.random(i, 10_000));
          stored.add(i);
        } catch (StoreFullException e) {
          assertEquals(StoreException.Kind.NO_SPACE, e.kind());
          refused.add(i);
        }
      }
      assertEquals(3, stored.size() - 10, "three fitted");
      assertEquals(7, refused.size());
      for (int i : stored) {
        assertArrayEquals(TestData.random(i, 10_000), store.get(id(TestData.random(i, 10_000))));
      }
      for (int i : refused) {
        assertFalse(store.contains(id(TestData.random(i, 10_000))));
      }
      store.sync();

      medium.freeSpace();
      for (int i : refused) {
        store.put(TestData.random(i, 10_000));
      }
      store.sync();
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 20; i++) {
        assertArrayEquals(TestData.random(i, 10_000), store.get(id(TestData.random(i, 10_000))));
      }
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
  }

  @Test
  void aFailedFsyncIsNeverAcknowledgedAndReopeningRecovers() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    FaultyMedium medium = new FaultyMedium();
    try (ChunkStore store = medium.open(config)) {
      store.put(TestData.random(1, 5000));
      store.sync();
      store.put(TestData.random(2, 5000));
      medium.failFsync(true);
      assertThrows(IOException.class, store::sync);
      medium.failFsync(false);
      // The kernel may have dropped the pages: a later sync must not claim success.
      assertThrows(IOException.class, store::sync);
      assertThrows(IOException.class, () -> store.put(TestData.random(3, 5000)));
      assertArrayEquals(TestData.random(1, 5000), store.get(id(TestData.random(1, 5000))));
    } catch (IOException closeFails) {
      // close syncs too, and must report the same failure
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      assertArrayEquals(TestData.random(1, 5000), store.get(id(TestData.random(1, 5000))));
      store.put(TestData.random(3, 5000));
      store.sync();
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
  }

  /** The same on a real, small file system: a tmpfs filled to the last byte. */
  @Test
  void aRealFullFileSystem() throws Exception {
    Requirements.require(Requirements.isRoot(), "root (to mount a small tmpfs)");
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    // 16 MiB for data; 8 more for the index's reserve (IndexReserve).
    run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt.toString());
    try {
      Path ballast = mnt.resolve("ballast");
      Files.write(ballast, new byte[4 << 20]);
      ChunkStoreConfig config =
          ChunkStoreConfig.defaults(mnt.resolve("store"))
              .withCodec(CodecSpec.NONE)
              .withPackTargetBytes(2 << 20);
      int stored = 0;
      try (ChunkStore store = ChunkStores.open(config)) {
        while (true) {
          try {
            store.put(TestData.random(stored, 100_000));
            if (stored % 10 == 0) {
              store.sync();
            }
            stored++;
          } catch (StoreFullException e) {
            break;
          }
          if (stored > 1000) {
            fail("a 24 MiB file system never filled up");
          }
        }
        assertTrue(stored > 50, "stored " + stored);
        for (int i = 0; i < stored; i++) {
          assertArrayEquals(
              TestData.random(i, 100_000),
              store.get(id(TestData.random(i, 100_000))),
              "chunk " + i);
        }
        Files.delete(ballast);
        for (int i = stored; i < stored + 10; i++) {
          store.put(TestData.random(i, 100_000));
        }
        store.sync();
      }
      try (ChunkStore store = ChunkStores.open(config)) {
        for (int i = 0; i < stored + 10; i++) {
          assertTrue(store.contains(id(TestData.random(i, 100_000))), "chunk " + i);
        }
        assertTrue(store.scrub(ProgressListener.NONE).clean());
      }
    } finally {
      run("umount", "-l", mnt.toString());
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed");
    }
  }

  private static ChunkId id(byte[] d) throws Exception {
    return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(d));
  }
}
