package io.granary.dedupe.gc;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.pack.PackLocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * The sweep phase of garbage collection: forgets every indexed chunk that the walker did not
 * mark, that no put touched during the collection, and that is older than the collection.
 *
 * <p>Safety against concurrent puts: records appended after the collection began lie at or
 * beyond {@code boundary} and are never candidates; a put that finds an existing chunk adds it
 * to {@code touched} while holding the store's shared gate, and the sweep re-checks that set
 * and deletes while holding the gate exclusively, so no put can revive a chunk between the
 * check and the delete. The two sets stay apart: a chunk a put touched is kept, but its
 * children still have to be marked by the walker, which prunes only on its own marks. Deletes are conditional on the entry's location, so a chunk
 * re-put or moved meanwhile is left alone.
 */
public final class Sweeper {
  private static final int PAGE = 10_000;

  private final ChunkIndex index;
  private final Lock exclusiveGate;

  public Sweeper(ChunkIndex index, Lock exclusiveGate) {
    this.index = index;
    this.exclusiveGate = exclusiveGate;
  }

  /** Counts of what a sweep forgot. */
  public record Result(long scanned, long swept, long storedBytesSwept) {}

  public Result sweep(
      ChunkIdSet marked,
      ChunkIdSet touched,
      PackLocation boundary,
      ProgressListener progress,
      Consumer<ChunkId> onForget)
      throws IOException {
    long total = index.counters().chunks();
    long scanned = 0;
    long swept = 0;
    long bytes = 0;
    ChunkId after = null;
    while (true) {
      List<ChunkIndex.IndexedChunk> page = index.scan(after, PAGE);
      if (page.isEmpty()) {
        break;
      }
      after = page.get(page.size() - 1).id();
      scanned += page.size();
      List<ChunkIndex.IndexedChunk> candidates = new ArrayList<>();
      for (ChunkIndex.IndexedChunk c : page) {
        if (c.entry().location().compareTo(boundary) < 0
            && !marked.contains(c.id())
            && !touched.contains(c.id())) {
          candidates.add(c);
        }
      }
      if (!candidates.isEmpty()) {
        IndexBatch.Result r = deleteUnlessRevived(candidates, touched, onForget);
        swept += r.deleted();
        bytes += r.deletedStoredBytes();
      }
      progress.progress("sweep", scanned, total);
    }
    return new Result(scanned, swept, bytes);
  }

  private IndexBatch.Result deleteUnlessRevived(
      List<ChunkIndex.IndexedChunk> candidates, ChunkIdSet touched, Consumer<ChunkId> onForget)
      throws IOException {
    exclusiveGate.lock();
    try {
      IndexBatch batch = new IndexBatch();
      for (ChunkIndex.IndexedChunk c : candidates) {
        if (!touched.contains(c.id())) {
          batch.deleteIf(c.id(), c.entry().location());
          onForget.accept(c.id());
        }
      }
      return index.apply(batch);
    } finally {
      exclusiveGate.unlock();
    }
  }
}
