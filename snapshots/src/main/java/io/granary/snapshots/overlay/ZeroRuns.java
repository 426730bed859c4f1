package io.granary.snapshots.overlay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs of whole blocks zeroed at once (a discard of a whole disk is one run, not millions of
 * dirty blocks). Merged and sorted; not thread-safe.
 */
final class ZeroRuns {
  private final TreeMap<Long, Long> runs = new TreeMap<>(); // first block -> end (exclusive)

  void add(long from, long to) {
    if (from >= to) {
      return;
    }
    Map.Entry<Long, Long> before = runs.floorEntry(from);
    if (before != null && before.getValue() >= from) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
    }
    Map.Entry<Long, Long> next;
    while ((next = runs.ceilingEntry(from)) != null && next.getKey() <= to) {
      to = Math.max(to, next.getValue());
      runs.remove(next.getKey());
    }
    runs.put(from, to);
  }

  boolean contains(long block) {
    Map.Entry<Long, Long> e = runs.floorEntry(block);
    return e != null && block < e.getValue();
  }

  boolean isEmpty() {
    return runs.isEmpty();
  }

  /** The runs as {@code [first, end)} pairs, in order. */
  List<long[]> list() {
    List<long[]> out = new ArrayList<>(runs.size());
    runs.forEach((k, v) -> out.add(new long[] {k, v}));
    return out;
  }

  /** Forgets blocks from {@code firstBlock} on (a shrink). */
  void truncate(long firstBlock) {
    runs.tailMap(firstBlock, true).clear();
    Map.Entry<Long, Long> last = runs.lowerEntry(firstBlock);
    if (last != null && last.getValue() > firstBlock) {
      runs.put(last.getKey(), firstBlock);
    }
  }
}
