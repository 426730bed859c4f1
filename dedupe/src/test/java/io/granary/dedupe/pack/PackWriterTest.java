package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.testing.FaultyMedium;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a commit's fsync of a pack finds it closed, only the writer's own close after a
 * successful fsync (a later commit sealed it) counts as synced; an interrupt's close, a close
 * after a failed fsync or a close behind the writer's back fails the commit.
 */
class PackWriterTest {
  private static final int RECORD = 116;

  @TempDir Path dir;
  private final FaultyMedium medium = new FaultyMedium();
  private PackMedium storage;

  @BeforeEach
  void setUp() throws IOException {
    storage = medium.packs(new LocalPackMedium(dir));
  }

  /** Two records do not fit in one pack: the second seals the first pack. */
  private PackWriter writer() {
    return new PackWriter(storage, 1, PackHeader.SIZE + RECORD + RECORD / 2, 0);
  }

  private static void append(PackWriter w) throws IOException {
    w.append(ByteBuffer.allocate(16), ByteBuffer.allocate(RECORD - 16));
  }

  @Test
  void anInterruptedFsyncFailsTheCommitAndTheThreadStaysInterrupted() throws Exception {
    PackWriter w = writer();
    append(w);
    PackWriter.Unsynced commit = w.takeUnsynced();
    Thread.currentThread().interrupt();
    try {
      assertThrows(InterruptedIOException.class, commit::force);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aPackClosedBehindTheWritersBackFailsTheCommit() throws Exception {
    PackWriter w = writer();
    append(w);
    PackWriter.Unsynced commit = w.takeUnsynced();
    medium.closeBehindTheWritersBack(0);
    IOException e = assertThrows(IOException.class, commit::force);
    assertTrue(e.getMessage().contains("pack 00000000 was closed"), e.toString());
  }

  @Test
  void aPackALaterCommitSealedAndSyncedCountsAsSyncedForTheEarlierOne() throws Exception {
    PackWriter w = writer();
    append(w);
    PackWriter.Unsynced earlier = w.takeUnsynced(); // pack 0 is its active pack
    append(w); // seals pack 0
    PackWriter.Unsynced later = w.takeUnsynced();
    later.force(); // fsyncs and closes pack 0
    earlier.force();
  }

  @Test
  void aPackClosedAfterAFailedFsyncFailsTheEarlierCommitToo() throws Exception {
    PackWriter w = writer();
    append(w);
    PackWriter.Unsynced earlier = w.takeUnsynced();
    append(w);
    PackWriter.Unsynced later = w.takeUnsynced();
    medium.failFsync(0, true);
    assertThrows(IOException.class, later::force); // and closes pack 0 all the same
    medium.failFsync(0, false);
    IOException e = assertThrows(IOException.class, earlier::force);
    assertTrue(e.getMessage().contains("closed before its fsync"), e.toString());
  }
}
