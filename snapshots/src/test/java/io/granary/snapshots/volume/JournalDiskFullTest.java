package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import io.granary.testing.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journals' file system fills up (a real tmpfs of a few MiB; the chunk store lives
 * elsewhere): a write the journal cannot take is refused as the pool being full, never as an
 * I/O error, and every write acknowledged before it survives a reopen.
 */
class JournalDiskFullTest {
  private static final int PIECE = 256 << 10;

  @TempDir Path dir;

  @Test
  void aFullJournalDiskIsNoSpaceAndKeepsWhatWasAcknowledged() throws Exception {
    try (Tmpfs journals = Tmpfs.mount(dir.resolve("journal"), 4L << 20)) {
      // No flushes: everything stays in the journal, so the journal is what fills up.
      try (TestPool pool =
          new TestPool(
              dir,
              c -> c.withDirtyLimit(64L << 20, 64L << 20).withFlushInterval(Duration.ofHours(1)))) {
        pool.volumes().create("vm", new VolumeSpec(64L << 20, 64 << 10, "lz4", "default"));
        int acknowledged = 0;
        VolumeException refused = null;
        try (Volume v = pool.volumes().open("vm")) {
          while (refused == null) {
            byte[] piece = TestData.random(acknowledged, PIECE);
            try {
              v.write((long) acknowledged * PIECE, piece, 0, PIECE, true);
              acknowledged++;
            } catch (VolumeException e) {
              refused = e;
            }
            if (acknowledged > 64) {
              fail("a 4 MiB journal disk took " + acknowledged + " pieces");
            }
          }
          assertEquals(VolumeException.Kind.NO_SPACE, refused.kind(), refused.toString());
          assertTrue(acknowledged >= 8, "the disk took pieces before it was full: " + acknowledged);
          for (int i = 0; i < acknowledged; i++) {
            byte[] back = new byte[PIECE];
            v.read((long) i * PIECE, back, 0, PIECE);
            assertArrayEquals(TestData.random(i, PIECE), back, "piece " + i);
          }
        }
        pool.reopen();
        try (Volume v = pool.volumes().open("vm")) {
          for (int i = 0; i < acknowledged; i++) {
            byte[] back = new byte[PIECE];
            v.read((long) i * PIECE, back, 0, PIECE);
            assertArrayEquals(TestData.random(i, PIECE), back, "piece " + i + " after reopen");
          }
        }
        System.out.println(
            "JournalDiskFullTest: 4 MiB tmpfs of journals full after "
                + acknowledged
                + " pieces of "
                + PIECE / 1024
                + " KiB; 1 write refused with NO_SPACE; "
                + (long) acknowledged * PIECE
                + " bytes verified before and after a reopen");
      }
    }
  }
}
