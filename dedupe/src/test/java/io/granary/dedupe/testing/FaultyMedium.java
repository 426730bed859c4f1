package io.granary.dedupe.testing;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pack medium that fails like real disks do, for the tests of every layer: a chunk store
 * opened on it works normally until the test says otherwise. Appends and pack creation then
 * report ENOSPC once a byte budget is spent (after writing part of the data, as a real short
 * write would), reads fail with EIO, of every pack or of chosen ones (a bad sector there), and
 * fsync fails with EIO, as a dying disk's does. Counts the read faults it injects. The faults
 * belong to the medium, so they hold across reopening a store on it.
 *
 * <p>The seam through which tests above the chunk store reach storage faults: they need no
 * class of the store's implementation, only this and {@code io.granary.dedupe.api}.
 */
public final class FaultyMedium {
  final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
  volatile boolean readErrors;
  final Set<Integer> unreadablePacks = ConcurrentHashMap.newKeySet();
  final AtomicLong readFaults = new AtomicLong();
  volatile boolean fsyncErrors;
  final Set<Integer> failingFsyncs = ConcurrentHashMap.newKeySet();
  final Map<Integer, PackMedium.Appender> created = new ConcurrentHashMap<>();

  /**
   * Opens (creating when absent) the store in {@code config.directory()} with its packs on this
   * medium, as {@code ChunkStores.open} would on a healthy one.
   */
  public ChunkStore open(ChunkStoreConfig config) throws IOException {
    return ChunkStores.open(config, spool -> packs(ChunkStores.LOCAL.open(spool)));
  }

  /** {@code packs} on this medium: for tests of the pack layer itself, below a store. */
  public PackMedium packs(PackMedium packs) {
    return new FaultyPackMedium(packs, this);
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

  /** Makes every fsync of a pack fail with EIO, as a dying disk does, or stop failing. */
  public void failFsync(boolean fail) {
    fsyncErrors = fail;
  }

  /** Makes every fsync of pack {@code packId} fail with EIO, or stop failing. */
  public void failFsync(int packId, boolean fail) {
    if (fail) {
      failingFsyncs.add(packId);
    } else {
      failingFsyncs.remove(packId);
    }
  }

  /**
   * Closes the file of pack {@code packId} under its appender, as something outside the writer
   * (an interrupt of another thread) might.
   */
  public void closeBehindTheWritersBack(int packId) throws IOException {
    created.get(packId).close();
  }
}
