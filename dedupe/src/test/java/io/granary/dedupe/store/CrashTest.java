package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.testing.ChildJvm;
import io.granary.testing.TestData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL at random moments, again and again on the same store, and
 * checks that every chunk synced before each kill survives and that nothing reads back wrong.
 */
class CrashTest {
  private static final int ROUNDS = 8;

  @TempDir Path dir;

  /** Chunk {@code n} of round {@code round}: sizes, kinds and zero runs vary. */
  static byte[] content(int round, int n) {
    long seed = round * 1_000_000L + n;
    int size = 1 + (int) Math.floorMod(seed * 2654435761L, 70_000);
    switch (n % 5) {
      case 0:
        return new byte[size];
      case 1:
      case 2:
        return TestData.compressible(seed, size);
      default:
        return TestData.random(seed, size);
    }
  }

  @Test
  void everyChunkSyncedBeforeAKill9Survives() throws Exception {
    Random random = new Random(20261124);
    List<int[]> syncedPerRound = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Process child = ChildJvm.start(CrashWriter.class, dir.toString(), String.valueOf(round));
      AtomicInteger lastSynced = new AtomicInteger(-1);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("SYNCED ")) {
                      lastSynced.set(Integer.parseInt(line.substring(7)));
                    }
                  }
                } catch (Exception ignored) {
                  // the child died; that is the point
                }
              });
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastSynced.get() < 0 && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(10);
      }
      assertTrue(lastSynced.get() >= 0, "round " + round + ": the writer never synced");
      Thread.sleep(50 + random.nextInt(1500));
      int synced = lastSynced.get(); // read before the kill: a later line may still arrive
      ChildJvm.kill9(child);
      reader.join();
      syncedPerRound.add(new int[] {round, synced});

      try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
        for (int[] rs : syncedPerRound) {
          for (int n = 0; n <= rs[1]; n++) {
            byte[] expected = content(rs[0], n);
            assertArrayEquals(
                expected,
                store.get(id(expected)),
                "round " + rs[0] + " chunk " + n + " was synced before a kill");
          }
        }
        ScrubReport scrub = store.scrub(ProgressListener.NONE);
        assertTrue(scrub.clean(), "nothing reads back wrong: " + scrub.damaged());
      }
    }
  }

  private static ChunkId id(byte[] d) throws Exception {
    return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(d));
  }
}
