package io.granary.snapshots.volume;

import io.granary.snapshots.api.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which blocks of a range hold data, built from the tree's runs and then overwritten by the
 * overlays' zero runs and dirty blocks; turned into byte extents at the end. Adjacent equal
 * intervals merge, so a mostly empty terabyte stays a handful of entries.
 */
final class AllocationMap {
  private final TreeMap<Long, long[]> intervals = new TreeMap<>(); // from -> {to, allocated}

  void put(long from, long to, boolean allocated) {
    if (from >= to) {
      return;
    }
    // cut what overlaps [from, to)
    Map.Entry<Long, long[]> before = intervals.lowerEntry(from);
    if (before != null && before.getValue()[0] > from) {
      long[] v = before.getValue();
      intervals.put(before.getKey(), new long[] {from, v[1]});
      if (v[0] > to) {
        intervals.put(to, new long[] {v[0], v[1]});
      }
    }
    Map.Entry<Long, long[]> e;
    while ((e = intervals.ceilingEntry(from)) != null && e.getKey() < to) {
      intervals.remove(e.getKey());
      if (e.getValue()[0] > to) {
        intervals.put(to, e.getValue());
      }
    }
    long a = allocated ? 1 : 0;
    // merge with equal neighbours
    Map.Entry<Long, long[]> left = intervals.lowerEntry(from);
    if (left != null && left.getValue()[0] == from && left.getValue()[1] == a) {
      from = left.getKey();
    }
    long[] right = intervals.get(to);
    if (right != null && right[1] == a) {
      intervals.remove(to);
      to = right[0];
    }
    intervals.put(from, new long[] {to, a});
  }

  /** The intervals as byte extents clipped to {@code [start, end)}, merged. */
  List<Extent> extents(int blockSize, long start, long end) {
    List<Extent> out = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : intervals.entrySet()) {
      long s = Math.max(start, e.getKey() * blockSize);
      long t = Math.min(end, e.getValue()[0] * blockSize);
      if (s >= t) {
        continue;
      }
      boolean allocated = e.getValue()[1] == 1;
      Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.allocated() == allocated && last.end() == s) {
        out.set(out.size() - 1, new Extent(last.offset(), t - last.offset(), allocated));
      } else {
        out.add(new Extent(s, t - s, allocated));
      }
    }
    return out;
  }
}
