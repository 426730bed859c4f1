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
