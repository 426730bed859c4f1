package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  private ObservedStorage storage;

  @BeforeEach
  void setUp() throws IOException {
    storage = new ObservedStorage(new LocalPackStorage(dir));
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
    storage.created.get(0).close();
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
    storage.failingFsync.add(0);
    assertThrows(IOException.class, later::force); // and closes pack 0 all the same
    storage.failingFsync.clear();
    IOException e = assertThrows(IOException.class, earlier::force);
    assertTrue(e.getMessage().contains("closed before its fsync"), e.toString());
  }

  /** Local packs whose appenders the test can reach, and whose fsyncs it can fail with EIO. */
  private static final class ObservedStorage implements PackStorage {
    private final PackStorage inner;
    final Map<Integer, Appender> created = new ConcurrentHashMap<>();
    final Set<Integer> failingFsync = ConcurrentHashMap.newKeySet();

    ObservedStorage(PackStorage inner) {
      this.inner = inner;
    }

    @Override
    public Appender create(int packId) throws IOException {
      Appender a = inner.create(packId);
      created.put(packId, a);
      return new Appender() {
        @Override
        public void append(ByteBuffer... buffers) throws IOException {
          a.append(buffers);
        }

        @Override
        public long size() throws IOException {
          return a.size();
        }

        @Override
        public void truncate(long length) throws IOException {
          a.truncate(length);
        }

        @Override
        public void force() throws IOException {
          if (failingFsync.contains(packId)) {
            throw new IOException("Input/output error");
          }
          a.force();
        }

        @Override
        public void close() throws IOException {
          a.close();
        }
      };
    }

    @Override
    public List<Integer> list() throws IOException {
      return inner.list();
    }

    @Override
    public Reader openForRead(int packId) throws IOException {
      return inner.openForRead(packId);
    }

    @Override
    public long size(int packId) throws IOException {
      return inner.size(packId);
    }

    @Override
    public void truncate(int packId, long length) throws IOException {
      inner.truncate(packId, length);
    }

    @Override
    public void delete(int packId) throws IOException {
      inner.delete(packId);
    }

    @Override
    public void syncDirectory() throws IOException {
      inner.syncDirectory();
    }
  }
}
