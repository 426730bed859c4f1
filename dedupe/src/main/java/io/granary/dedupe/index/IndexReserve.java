package io.granary.dedupe.index;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.lmdbjava.Env;

/**
 * Space set aside for the index on a disk that fills up: {@code data.mdb} is kept
 * {@link #BYTES} longer than LMDB's last page, with those blocks really allocated (written
 * with zeroes, not sparse). LMDB writes the pages of a commit past its last page; while they
 * land in this tail they need no new blocks, so on a full disk the commits that give space
 * back (a GC's deletions, a deleted volume's catalog rows, the pack table), a flush's root and
 * the recovery of a restart still succeed. LMDB never reads past its last page, and the file's
 * length means nothing to it.
 *
 * <p>Runs only inside a write transaction, before it writes anything: LMDB's writer lock keeps
 * every other commit away from the tail while it is extended.
 *
 * <p>Deliberately not done: a reserve for packs or journals (a full disk refuses client writes
 * with ENOSPC, which is the right answer) and any guarantee on copy-on-write file systems
 * (btrfs, ZFS), where overwriting allocated blocks allocates anew.
 */
final class IndexReserve {
  private static final System.Logger LOG = System.getLogger(IndexReserve.class.getName());

  /** Several full GC sweep batches of the chunk table; freed pages are reused after that. */
  static final long BYTES = 8L << 20;

  private static final int ZEROES = 1 << 20;

  private final Path file;
  private final Env<byte[]> env;
  private final long pageSize;

  /** Where the allocated tail ends: the file's length as this process last set or saw it. */
  private long allocatedEnd;

  private boolean shortLogged;

  IndexReserve(Path file, Env<byte[]> env) throws IOException {
    this.file = file;
    this.env = env;
    this.pageSize = env.stat().pageSize;
    this.allocatedEnd = Files.size(file);
  }

  /**
   * Extends the tail to {@link #BYTES} past LMDB's last page when less than half of it is left.
   * A full disk stops the extension where it is: a partial reserve is still a reserve.
   */
  synchronized void replenish() {
    long used = (env.info().lastPageNumber + 1) * pageSize;
    if (allocatedEnd - used >= BYTES / 2) {
      return;
    }
    long target = used + BYTES;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long pos = Math.max(ch.size(), used);
      ByteBuffer zeroes = ByteBuffer.allocate(ZEROES);
      while (pos < target) {
        zeroes.clear().limit((int) Math.min(ZEROES, target - pos));
        pos += ch.write(zeroes, pos);
      }
      allocatedEnd = pos;
      shortLogged = false;
    } catch (IOException e) {
      try {
        allocatedEnd = Files.size(file);
      } catch (IOException ignored) {
        // keep the old figure: the next commit tries again
      }
      if (!shortLogged) {
        shortLogged = true;
        LOG.log(
            Level.WARNING,
            "the index''s reserve in {0} is {1} bytes short: {2}",
            file,
            target - Math.max(allocatedEnd, used),
            e.getMessage());
      }
    }
  }
}
