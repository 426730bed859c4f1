package io.granary.nbd.session;

import io.granary.nbd.protocol.StatusExtent;
import io.granary.nbd.protocol.TransmissionReplies;
import io.granary.snapshots.api.Extent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Turns the volume's extents into one {@code base:allocation} BLOCK_STATUS chunk. */
final class BlockStatusReply {
  /** The spec's bound on descriptors per chunk; fewer than asked for is allowed. */
  static final int MAX_EXTENTS = 1 << 20;

  private BlockStatusReply() {}

  static ByteBuffer encode(
      long cookie, long offset, long length, List<Extent> extents, boolean reqOne) {
    return TransmissionReplies.blockStatus(
        cookie,
        true,
        MetaContexts.BASE_ALLOCATION_ID,
        statusExtents(offset, length, extents, reqOne));
  }

  /** Clipped to the request, neighbours of the same kind merged, at least one extent. */
  static List<StatusExtent> statusExtents(
      long offset, long length, List<Extent> extents, boolean reqOne) {
    long end = offset + length;
    List<StatusExtent> out = new ArrayList<>();
    long runStart = -1;
    long runEnd = -1;
    boolean runAllocated = false;
    for (Extent e : extents) {
      long from = Math.max(e.offset(), offset);
      long to = Math.min(e.end(), end);
      if (from >= to) {
        continue;
      }
      if (runStart >= 0 && runEnd == from && runAllocated == e.allocated()) {
        runEnd = to;
        continue;
      }
      if (runStart >= 0) {
        out.add(status(runEnd - runStart, runAllocated));
        if (reqOne || out.size() == MAX_EXTENTS) {
          return out;
        }
      }
      runStart = from;
      runEnd = to;
      runAllocated = e.allocated();
    }
    if (runStart >= 0) {
      out.add(status(runEnd - runStart, runAllocated));
    } else {
      // The volume reported nothing for the range: it reads as zeroes.
      out.add(status(length, false));
    }
    return out;
  }

  private static StatusExtent status(long length, boolean allocated) {
    // length <= 2^32 - 1 here: the request length is a u32.
    return new StatusExtent((int) length, allocated ? 0 : StatusExtent.HOLE | StatusExtent.ZERO);
  }
}
