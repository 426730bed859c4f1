package io.granary.dedupe.index;

import io.granary.dedupe.api.ChunkId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Index entries for records appended since the last commit. Lookups consult it before the
 * persistent index; an entry leaves only after the persistent index holds it, so a reader
 * never finds a gap. Thread-safe.
 */
public final class PendingIndex {

  /**
   * An uncommitted entry. {@code seq} orders appends; {@code replaces} says the persistent
   * index already has the id (a move or a repair), so the entry adds no new chunk.
   */
  public record Pending(ChunkId id, IndexEntry entry, long seq, boolean replaces) {}

  private final ConcurrentHashMap<ChunkId, Pending> entries = new ConcurrentHashMap<>();

  public Pending get(ChunkId id) {
    return entries.get(id);
  }

  public void put(Pending p) {
    entries.put(p.id(), p);
  }

  public int size() {
    return entries.size();
  }

  /** Entries appended at or before {@code seq}, in append order. */
  public List<Pending> upTo(long seq) {
    List<Pending> out = new ArrayList<>();
    for (Pending p : entries.values()) {
      if (p.seq() <= seq) {
        out.add(p);
      }
    }
    out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    return out;
  }

  /** Drops entries now held by the persistent index, unless a newer append replaced them. */
  public void removeCommitted(List<Pending> committed) {
    for (Pending p : committed) {
      entries.remove(p.id(), p);
    }
  }

  /** What the uncommitted entries add to the store's counters. */
  public StoreCounters uncommittedCounters() {
    StoreCounters c = new StoreCounters();
    for (Map.Entry<ChunkId, Pending> e : entries.entrySet()) {
      if (!e.getValue().replaces()) {
        c.addChunk(e.getValue().entry(), 1);
      }
    }
    return c;
  }
}
