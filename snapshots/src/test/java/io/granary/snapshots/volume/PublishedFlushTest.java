package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool whose durability is remote: a FLUSH or FUA commits the volume's tree (nothing of it
 * in the journal, which never leaves the machine) and then waits for the publisher; a publisher
 * that fails fails the FLUSH.
 */
class PublishedFlushTest {
  @TempDir Path dir;

  @Test
  void aFlushCommitsATreeThenPublishesAndTheJournalStaysEmpty() throws Exception {
    try (TestPool p = IntentLogTest.pool(dir, 64L << 20)) {
      p.volumes().create("v", VolumeSpec.ofSize(64L << 20));
      List<Long> journalAtPublish = new ArrayList<>();
      p.volumes().publishFlushes(() -> journalAtPublish.add(journalBytes()));
      byte[] data = new byte[4096];
      Arrays.fill(data, (byte) 7);
      try (Volume v = p.volumes().open("v")) {
        v.write(0, data, 0, data.length, false);
        v.flush();
        assertEquals(List.of(0L), journalAtPublish, "the FLUSH journaled or did not publish");
        v.write(8192, data, 0, data.length, true);
        assertEquals(
            List.of(0L, 0L), journalAtPublish, "the FUA write journaled or did not publish");

        p.volumes().publishFlushes(null);
        v.write(16384, data, 0, data.length, false);
        v.flush();
        assertEquals(2, journalAtPublish.size(), "published after going back to local");
        assertTrue(journalBytes() > 0, "a local FLUSH of a small write journaled nothing");
      }
      p.reopen();
      try (Volume v = p.volumes().open("v")) {
        byte[] back = new byte[4096];
        for (long at : new long[] {0, 8192, 16384}) {
          v.read(at, back, 0, back.length);
          assertArrayEquals(data, back, "at " + at);
        }
      }
    }
  }

  /** Changes of names and sizes are published too: a snapshot acknowledged is in the bucket. */
  @Test
  void namespaceChangesAndResizesArePublished() throws Exception {
    try (TestPool p = IntentLogTest.pool(dir, 64L << 20)) {
      int[] published = {0};
      p.volumes().publishFlushes(() -> published[0]++);
      p.volumes().create("v", VolumeSpec.ofSize(64L << 20));
      assertEquals(1, published[0], "create");
      p.volumes().snapshot("v", "s");
      assertEquals(2, published[0], "snapshot");
      p.volumes().clone("v", "s", "c");
      assertEquals(3, published[0], "clone");
      p.volumes().rename("c", "d");
      assertEquals(4, published[0], "rename");
      try (Volume v = p.volumes().open("d")) {
        v.resize(128L << 20);
      }
      assertEquals(5, published[0], "resize");
      p.volumes().deleteSnapshot("v", "s");
      p.volumes().delete("d", true);
      assertEquals(7, published[0], "deletes");
    }
  }

  @Test
  void aPublisherThatFailsFailsTheFlush() throws Exception {
    try (TestPool p = IntentLogTest.pool(dir, 64L << 20)) {
      p.volumes().create("v", VolumeSpec.ofSize(64L << 20));
      p.volumes()
          .publishFlushes(
              () -> {
                throw new IOException("the object store is out of reach");
              });
      try (Volume v = p.volumes().open("v")) {
        v.write(0, new byte[4096], 0, 4096, false);
        IOException e = assertThrows(IOException.class, v::flush);
        assertTrue(e.getMessage().contains("out of reach"), e.getMessage());
      }
    }
  }

  private long journalBytes() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
      long total = 0;
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
