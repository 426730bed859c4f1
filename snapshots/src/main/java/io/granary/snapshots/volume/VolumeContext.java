package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.FlushPublisher;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.cache.ChunkCache;
import io.granary.snapshots.catalog.VolumeCatalog;
import io.granary.snapshots.overlay.DirtyBudget;
import io.granary.snapshots.replication.ReceivePins;
import io.granary.snapshots.tree.BlockMap;
import io.granary.snapshots.tree.PageStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * What every volume of a pool shares: the chunk store, the block map algorithms over cached
 * pages, the block cache, the catalog, the dirty-memory budget, the space limits, the flush
 * workers, and the gate that lets a garbage collection wait for flushes in progress.
 */
final class VolumeContext {
  final VolumeStoreConfig config;
  final ChunkStore store;
  final PageStore pages;
  final BlockMap map;
  final VolumeCatalog catalog;

  /** This pool's share of the process's dirty budget. */
  final DirtyBudget.Share budget;

  /** The pool's capacity and provisioning limits. */
  final SpaceGate space;

  final ExecutorService flushWorkers;

  /** The receives in progress: what each holds on to, for a collection to keep. */
  final Set<ReceivePins> receiving = ConcurrentHashMap.newKeySet();

  /** Pages a receive found present but not whole: not claimed to senders until proven again. */
  final Set<ChunkId> suspectPages = ConcurrentHashMap.newKeySet();

  /** Where a FLUSH publishes its commit beyond this machine; null to journal here. */
  volatile FlushPublisher flushPublisher;

  /** Shared by a flush from its first put to its catalog commit; exclusive to start a GC. */
  final ReentrantReadWriteLock flushGate = new ReentrantReadWriteLock();

  private final ChunkCache<byte[]> blocks;

  /** Hashing and compression of flushed blocks; as many threads as cores. */
  private final ForkJoinPool cpu =
      new ForkJoinPool(
          Runtime.getRuntime().availableProcessors(),
          pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("granary-flush-work-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
          },
          null,
          false);

  VolumeContext(
      VolumeStoreConfig config,
      ChunkStore store,
      ExecutorService flushWorkers,
      DirtyBudget dirtyBudget) {
    this.config = config;
    this.store = store;
    this.pages = new StorePages(store, config.pageCacheBytes());
    this.map = new BlockMap(pages);
    this.catalog = new VolumeCatalog(store.catalog());
    this.budget = dirtyBudget.share();
    this.space = new SpaceGate(store, budget);
    this.flushWorkers = flushWorkers;
    this.blocks = new ChunkCache<>(config.blockCacheBytes(), b -> b.length);
  }

  /** The work of one step of a flush, on one item. */
  @FunctionalInterface
  interface Work {
    void run(int index) throws IOException;
  }

  /** Runs {@code work} for items 0..n-1 on every core; the first failure is thrown. */
  void inParallel(int n, Work work) throws IOException {
    if (n < 2) {
      for (int i = 0; i < n; i++) {
        work.run(i);
      }
      return;
    }
    try {
      cpu.submit(
              () ->
                  IntStream.range(0, n)
                      .parallel()
                      .forEach(
                          i -> {
                            try {
                              work.run(i);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          }))
          .get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("flush work failed", c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during a flush");
    }
  }

  /**
   * A stored block's bytes, without a domain tag ({@link BlockPolicy#content}), shared with the
   * cache: callers must not change them.
   */
  byte[] block(ChunkId id, int blockSize) throws IOException {
    byte[] b = blocks.get(id);
    if (b == null) {
      b = BlockPolicy.content(id, store.get(id), blockSize);
      blocks.put(id, b);
    }
    return b;
  }

  /**
   * Copies {@code len} bytes of a stored block from {@code inBlock} into {@code dst}: from the
   * block cache, else straight from the chunk's record, which is then not cached (a random read
   * would only evict blocks worth more; sequential readers ask for {@link #block} instead).
   */
  void readBlock(ChunkId id, int blockSize, int inBlock, byte[] dst, int at, int len)
      throws IOException {
    byte[] cached = blocks.get(id);
    if (cached != null) {
      System.arraycopy(cached, inBlock, dst, at, len);
      return;
    }
    int length;
    try {
      length = store.read(id, inBlock, dst, at, len);
    } catch (IndexOutOfBoundsException e) {
      throw new VolumeCorruptException(
          "chunk " + id + " is shorter than a block of " + blockSize + " bytes");
    }
    BlockPolicy.checkLength(id, length, blockSize);
  }

  /** Stops the flush work threads. */
  void close() {
    cpu.shutdown();
  }
}
