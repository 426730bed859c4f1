package io.granary.dedupe.testing;

import io.granary.dedupe.pack.PackStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pack medium that fails like real disks do: appends and pack creation report ENOSPC once a
 * byte budget is spent (after writing part of the data, as a real short write would), and
 * reads can be made to fail with EIO, of every pack or of chosen ones (a bad sector there).
 * Counts the read faults it injects.
 */
public final class FaultyPackStorage implements PackStorage {
  private final PackStorage inner;
  private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean readErrors;
  private final Set<Integer> unreadablePacks = ConcurrentHashMap.newKeySet();
  private final AtomicLong readFaults = new AtomicLong();
  private volatile boolean fsyncErrors;

  public FaultyPackStorage(PackStorage inner) {
    this.inner = inner;
  }

  /** Lets {@code bytes} more bytes be written, then fails every write with ENOSPC. */
  public void fillAfter(long bytes) {
    budget.set(bytes);
  }

  /** Frees space: writes succeed again. */
  public void freeSpace() {
    budget.set(Long.MAX_VALUE);
  }

  /** Makes every read of every pack fail with EIO, or stop failing. */
  public void failReads(boolean fail) {
    readErrors = fail;
  }

  /** Makes every read of pack {@code packId} fail with EIO, or stop failing. */
  public void failReads(int packId, boolean fail) {
    if (fail) {
      unreadablePacks.add(packId);
    } else {
      unreadablePacks.remove(packId);
    }
  }

  /** Reads failed with EIO so far. */
  public long readFaultsInjected() {
    return readFaults.get();
  }

  /** Makes every fsync of a pack fail with EIO, as a dying disk does. */
  public void failFsync(boolean fail) {
    fsyncErrors = fail;
  }

  private static IOException noSpace() {
    return new IOException("No space left on device");
  }

  @Override
  public List<Integer> list() throws IOException {
    return inner.list();
  }

  @Override
  public Appender create(int packId) throws IOException {
    if (budget.get() <= 0) {
      throw noSpace();
    }
    Appender a = inner.create(packId);
    return new Appender() {
      @Override
      public void append(ByteBuffer... buffers) throws IOException {
        long total = 0;
        for (ByteBuffer b : buffers) {
          total += b.remaining();
        }
        long left = budget.getAndAdd(-total);
        if (left < total) {
          // A short write: part of the record reaches the file, then the disk is full.
          long allowed = Math.max(0, left);
          for (ByteBuffer b : buffers) {
            int n = (int) Math.min(allowed, b.remaining());
            if (n > 0) {
              ByteBuffer part = b.duplicate();
              part.limit(part.position() + n);
              a.append(part);
              allowed -= n;
            }
          }
          budget.set(0);
          throw noSpace();
        }
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
        if (fsyncErrors) {
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
  public Reader openForRead(int packId) throws IOException {
    Reader r = inner.openForRead(packId);
    return new Reader() {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        if (readErrors || unreadablePacks.contains(packId)) {
          readFaults.incrementAndGet();
          throw new IOException("Input/output error");
        }
        return r.read(dst, position);
      }

      @Override
      public long size() throws IOException {
        return r.size();
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
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
