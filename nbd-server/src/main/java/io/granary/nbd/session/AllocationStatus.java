package io.granary.nbd.session;

import io.granary.nbd.api.StatusMap;
import io.granary.nbd.api.StatusRun;
import io.granary.nbd.protocol.StatusExtent;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code base:allocation} of a volume: its holes (hole and zero, flags 3); data is flags 0.
 * What the volume does not report reads as zeroes, so it is a hole too.
 */
final class AllocationStatus implements StatusMap {
  private static final int HOLE = StatusExtent.HOLE | StatusExtent.ZERO;

  private final Volume volume;

  AllocationStatus(Volume volume) {
    this.volume = volume;
  }

  @Override
  public List<StatusRun> status(long offset, long length) throws IOException {
    return holes(offset, length, volume.blockStatus(offset, length));
  }

  /** The parts of the range not covered by an allocated extent. */
  static List<StatusRun> holes(long offset, long length, List<Extent> extents) {
    List<StatusRun> out = new ArrayList<>();
    long end = offset + length;
    long pos = offset;
    for (Extent e : extents) {
      if (!e.allocated() || e.end() <= pos) {
        continue;
      }
      if (e.offset() > pos) {
        out.add(new StatusRun(pos, Math.min(e.offset(), end) - pos, HOLE));
      }
      pos = Math.max(pos, e.end());
      if (pos >= end) {
        return out;
      }
    }
    if (pos < end) {
      out.add(new StatusRun(pos, end - pos, HOLE));
    }
    return out;
  }
}
