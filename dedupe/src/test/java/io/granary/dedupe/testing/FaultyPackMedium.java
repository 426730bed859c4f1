package io.granary.dedupe.testing;

import io.granary.dedupe.api.MediumStats;
import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The packs of a {@link FaultyMedium}: every operation goes to the real one unless the
 * medium's faults say it fails.
 */
final class FaultyPackMedium implements PackMedium {
  private final PackMedium inner;
  private final FaultyMedium faults;

  FaultyPackMedium(PackMedium inner, FaultyMedium faults) {
    this.inner = inner;
    this.faults = faults;
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
    if (faults.budget.get() <= 0) {
      throw noSpace();
    }
    Appender a = inner.create(packId);
    faults.created.put(packId, a);
    return new Appender() {
      @Override
      public void append(ByteBuffer... buffers) throws IOException {
        long total = 0;
        for (ByteBuffer b : buffers) {
          total += b.remaining();
        }
        long left = faults.budget.getAndAdd(-total);
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
          faults.budget.set(0);
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
        if (faults.fsyncErrors || faults.failingFsyncs.contains(packId)) {
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
        if (faults.readErrors || faults.unreadablePacks.contains(packId)) {
          faults.readFaults.incrementAndGet();
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
  public void seal(int packId) throws IOException {
    inner.seal(packId);
  }

  @Override
  public void delete(int packId) throws IOException {
    inner.delete(packId);
  }

  @Override
  public void syncSpool() throws IOException {
    inner.syncSpool();
  }

  @Override
  public byte[] listing(int packId) throws IOException {
    return inner.listing(packId);
  }

  @Override
  public MediumStats stats() {
    return inner.stats();
  }

  @Override
  public boolean keepsCheckpoints() {
    return inner.keepsCheckpoints();
  }

  @Override
  public void publishCheckpoint(long generation, byte[] checkpoint, int lastSealedPackId)
      throws IOException {
    inner.publishCheckpoint(generation, checkpoint, lastSealedPackId);
  }

  @Override
  public long newestCheckpointGeneration() {
    return inner.newestCheckpointGeneration();
  }

  @Override
  public byte[] newestCheckpoint() throws IOException {
    return inner.newestCheckpoint();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
