package io.granary.snapshots.overlay;

import java.util.Arrays;

/**
 * Disjoint, sorted, merged {@code [start, end)} ranges within one block: which of its bytes the
 * overlay defines. Small (writes to a block are few between flushes). Not thread-safe.
 */
final class ByteRanges {
  private int[] bounds = new int[4]; // start0, end0, start1, end1, ...
  private int count;

  void add(int start, int end) {
    if (start >= end) {
      return;
    }
    int[] out = new int[(count + 1) * 2];
    int n = 0;
    boolean placed = false;
    for (int i = 0; i < count; i++) {
      int s = bounds[2 * i];
      int e = bounds[2 * i + 1];
      if (e < start) {
        out[n++] = s;
        out[n++] = e;
      } else if (s > end) {
        if (!placed) {
          out[n++] = start;
          out[n++] = end;
          placed = true;
        }
        out[n++] = s;
        out[n++] = e;
      } else {
        start = Math.min(start, s);
        end = Math.max(end, e);
      }
    }
    if (!placed) {
      out[n++] = start;
      out[n++] = end;
    }
    bounds = Arrays.copyOf(out, Math.max(4, n));
    count = n / 2;
  }

  boolean covers(int start, int end) {
    for (int i = 0; i < count; i++) {
      if (bounds[2 * i] <= start && end <= bounds[2 * i + 1]) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return count;
  }

  int start(int i) {
    return bounds[2 * i];
  }

  int end(int i) {
    return bounds[2 * i + 1];
  }
}
