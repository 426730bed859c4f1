package io.granary.dedupe.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.PackMedium;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Early writeback of appended pack bytes: the real system call, and the ranges asked for. */
class PackWritebackTest {
  @TempDir Path dir;

  @Test
  void theKernelAcceptsAWritebackOfAWrittenFileAndAMissingFileIsNoError() throws Exception {
    Path f = dir.resolve("f");
    byte[] data = TestData.random(1, 3 << 20);
    Files.write(f, data);
    PackWriteback w = PackWriteback.shared();
    assertTrue(w.writeBack(f, 0, data.length), "sync_file_range through libc");
    assertArrayEquals(data, Files.readAllBytes(f));
    assertFalse(w.writeBack(dir.resolve("gone"), 0, 4096), "a pack deleted meanwhile");
  }

  /**
   * An appender asks for writeback of every {@link PackWriteback#STEP} bytes appended, in
   * contiguous ranges from the start, and after a cut from the new end on.
   */
  @Test
  void appendsAskForWritebackOfEachStepInOrder() throws Exception {
    RecordingLibC libc = new RecordingLibC();
    LocalPackMedium storage = new LocalPackMedium(dir, new PackWriteback(libc));
    int mib = 1 << 20;
    long step = PackWriteback.STEP;
    try (PackMedium.Appender out = storage.create(7)) {
      for (int i = 0; i < 2 * step / mib + 3; i++) { // two steps and three MiB more
        out.append(ByteBuffer.wrap(TestData.random(i, mib)));
      }
      List<long[]> first = libc.await(2);
      assertEquals(storage.path(7).toString(), libc.opened.get(0));
      assertEquals(0, first.get(0)[0]);
      assertEquals(step, first.get(0)[1]);
      assertEquals(step, first.get(1)[0], "contiguous");
      assertEquals(step, first.get(1)[1]);

      out.truncate(step + mib); // a failed append is cut off
      for (int i = 0; i < step / mib; i++) {
        out.append(ByteBuffer.wrap(TestData.random(100 + i, mib)));
      }
      long[] next = libc.await(3).get(2);
      assertEquals(step + mib, next[0], "from the cut on");
      assertEquals(step, next[1]);
    }
  }

  /** Answers every open with a descriptor and records the ranges asked for. */
  private static final class RecordingLibC implements PackWriteback.LibC {
    final List<String> opened = new ArrayList<>();
    private final List<long[]> ranges = new ArrayList<>();

    @Override
    public synchronized int open(byte[] path, int flags) {
      opened.add(new String(path, 0, path.length - 1, StandardCharsets.UTF_8));
      return 42;
    }

    @Override
    public synchronized int sync_file_range(int fd, long offset, long nbytes, int flags) {
      assertEquals(42, fd);
      assertEquals(2, flags, "SYNC_FILE_RANGE_WRITE only: no wait, no cache flush");
      ranges.add(new long[] {offset, nbytes});
      notifyAll();
      return 0;
    }

    @Override
    public int close(int fd) {
      return 0;
    }

    synchronized List<long[]> await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (ranges.size() < n && System.nanoTime() < deadline) {
        wait(100);
      }
      assertEquals(n, ranges.size(), "writeback hints so far");
      return new ArrayList<>(ranges);
    }
  }
}
