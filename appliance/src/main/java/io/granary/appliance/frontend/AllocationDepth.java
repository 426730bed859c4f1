package io.granary.appliance.frontend;

import io.granary.nbd.api.StatusMap;
import io.granary.nbd.api.StatusRun;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code qemu:allocation-depth} of a snapshot export: 1 where the volume wrote the block itself
 * (data, or zeroes over data it inherited), 2 where it still holds the block its clone origin
 * held, 0 where it holds nothing (reads as zeroes and always did). A volume that is not a
 * clone, or whose origin snapshot is gone, has depths 1 and 0 only. Depth stops at 2: a block
 * the origin itself inherited is still "from the origin".
 */
final class AllocationDepth implements StatusMap {
  static final String NAME = "qemu:allocation-depth";
  static final int LOCAL = 1;
  static final int INHERITED = 2;

  private final Volume snapshot;
  private final VolumeStore volumes;
  private final StateRef origin;
  private final StateRef state;

  /** {@code origin} null for a volume that is not a clone. */
  AllocationDepth(Volume snapshot, VolumeStore volumes, StateRef origin, StateRef state) {
    this.snapshot = snapshot;
    this.volumes = volumes;
    this.origin = origin;
    this.state = state;
  }

  @Override
  public List<StatusRun> status(long offset, long length) throws IOException {
    List<Extent> allocated = snapshot.blockStatus(offset, length);
    List<Extent> written = origin == null ? List.of() : volumes.diff(origin, state, offset, length);
    return depths(offset, length, allocated, written, origin != null);
  }

  /**
   * The depth of every byte of the range: 1 in {@code written} (the blocks that differ from the
   * origin); else, where {@code allocated} holds data, 2 for a clone and 1 otherwise; else 0
   * (not listed). Both lists in offset order.
   */
  static List<StatusRun> depths(
      long offset, long length, List<Extent> allocated, List<Extent> written, boolean clone) {
    long end = offset + length;
    TreeSet<Long> cuts = new TreeSet<>(List.of(offset, end));
    for (Extent e : allocated) {
      cuts.add(e.offset());
      cuts.add(e.end());
    }
    for (Extent e : written) {
      cuts.add(e.offset());
      cuts.add(e.end());
    }
    List<StatusRun> out = new ArrayList<>();
    Cursor data = new Cursor(allocated, true);
    Cursor local = new Cursor(written, false);
    long from = offset;
    for (long to : cuts.subSet(offset, false, end, true)) {
      int depth = local.covers(from) ? LOCAL : data.covers(from) ? (clone ? INHERITED : LOCAL) : 0;
      StatusRun last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.end() == from && last.flags() == depth) {
        out.set(out.size() - 1, new StatusRun(last.offset(), to - last.offset(), depth));
      } else if (depth != 0) {
        out.add(new StatusRun(from, to - from, depth));
      }
      from = to;
    }
    return out;
  }

  /** Walks extents in offset order, asked with rising positions. */
  private static final class Cursor {
    private final List<Extent> extents;
    private final boolean onlyAllocated;
    private int i;

    Cursor(List<Extent> extents, boolean onlyAllocated) {
      this.extents = extents;
      this.onlyAllocated = onlyAllocated;
    }

    boolean covers(long pos) {
      while (i < extents.size() && extents.get(i).end() <= pos) {
        i++;
      }
      if (i == extents.size()) {
        return false;
      }
      Extent e = extents.get(i);
      return e.offset() <= pos && (!onlyAllocated || e.allocated());
    }
  }
}
