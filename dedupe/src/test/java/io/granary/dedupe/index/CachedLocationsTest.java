package io.granary.dedupe.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.pack.PackLocation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The location cache never answers with a place an applied batch changed. */
class CachedLocationsTest {
  private static final ChunkId ID = ChunkId.of(new byte[32]);
  private static final IndexEntry OLD = entry(1);
  private static final IndexEntry NEW = entry(2);

  @Test
  void anApplyReplacesOrRemovesWhatWasCached() throws Exception {
    MapIndex inner = new MapIndex();
    inner.entries.put(ID, OLD);
    CachedLocations index = new CachedLocations(inner, 100);
    assertEquals(OLD, index.get(ID));
    index.apply(new IndexBatch().put(ID, NEW));
    assertEquals(NEW, index.get(ID), "a move");
    index.apply(new IndexBatch().deleteIf(ID, NEW.location()));
    assertNull(index.get(ID), "a delete");
  }

  /**
   * A lookup reads the old place from the index, then a move is applied and its ids dropped,
   * then the lookup would cache what it read: the next lookup must still see the move.
   */
  @Test
  void aLookupThatRacedAnApplyDoesNotCacheTheOldPlace() throws Exception {
    MapIndex inner = new MapIndex();
    inner.entries.put(ID, OLD);
    CachedLocations index = new CachedLocations(inner, 100);
    inner.readDone = new CountDownLatch(1);
    inner.resume = new CountDownLatch(1);
    Thread lookup =
        new Thread(
            () -> {
              try {
                index.get(ID);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    lookup.start();
    assertTrue(inner.readDone.await(10, TimeUnit.SECONDS), "the lookup read the old place");
    inner.readDone = null;
    index.apply(new IndexBatch().put(ID, NEW));
    inner.resume.countDown();
    lookup.join(10_000);
    assertFalse(lookup.isAlive(), "the lookup returned");
    inner.resume = null;
    assertEquals(NEW, index.get(ID));
  }

  private static IndexEntry entry(int pack) {
    return new IndexEntry(new PackLocation(pack, 64), 4096, 4096, Codec.NONE, 0);
  }

  /** An index in a map; a get can be held between its read and its return. */
  private static final class MapIndex implements ChunkIndex {
    final Map<ChunkId, IndexEntry> entries = new ConcurrentHashMap<>();
    volatile CountDownLatch readDone;
    volatile CountDownLatch resume;

    @Override
    public IndexEntry get(ChunkId id) {
      IndexEntry e = entries.get(id);
      CountDownLatch done = readDone;
      CountDownLatch wait = resume;
      if (done != null) {
        done.countDown();
        try {
          wait.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
      return e;
    }

    @Override
    public IndexBatch.Result apply(IndexBatch batch) {
      for (IndexBatch.Op op : batch.ops) {
        if (op instanceof IndexBatch.Put p) {
          entries.put(p.id(), p.entry());
        } else if (op instanceof IndexBatch.DeleteIf d) {
          entries.computeIfPresent(d.id(), (k, v) -> v.location().equals(d.expected()) ? null : v);
        }
      }
      return new IndexBatch.Result(0, 0);
    }

    @Override
    public List<IndexedChunk> scan(ChunkId after, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<Integer, PackState> packs() {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreCounters counters() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Catalog catalog() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long sizeOnDisk() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
