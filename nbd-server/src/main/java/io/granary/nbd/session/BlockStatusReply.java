package io.granary.nbd.session;

import io.granary.nbd.api.StatusRun;
import io.granary.nbd.protocol.StatusExtent;
import io.granary.nbd.protocol.TransmissionReplies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply to BLOCK_STATUS: one chunk per selected metadata context, in id order, each with
 * the context's runs clipped to the request, gaps filled with flags 0, neighbours with the same
 * flags merged, and at least one extent.
 */
final class BlockStatusReply {
  /** The spec's bound on descriptors per chunk; fewer than asked for is allowed. */
  static final int MAX_EXTENTS = 1 << 20;

  private BlockStatusReply() {}

  static ByteBuffer[] encode(
      long cookie, long offset, long length, List<ContextMap> contexts, boolean reqOne)
      throws IOException {
    ByteBuffer[] chunks = new ByteBuffer[contexts.size()];
    for (int i = 0; i < chunks.length; i++) {
      ContextMap c = contexts.get(i);
      chunks[i] =
          TransmissionReplies.blockStatus(
              cookie,
              i == chunks.length - 1,
              c.id(),
              statusExtents(offset, length, c.map().status(offset, length), reqOne));
    }
    return chunks;
  }

  /** The runs as descriptors of {@code [offset, offset+length)}; {@code length} > 0. */
  static List<StatusExtent> statusExtents(
      long offset, long length, List<StatusRun> runs, boolean reqOne) {
    Descriptors out = new Descriptors(reqOne ? 1 : MAX_EXTENTS);
    long end = offset + length;
    long pos = offset;
    for (StatusRun r : runs) {
      long from = Math.max(r.offset(), pos);
      long to = Math.min(r.end(), end);
      if (from >= to) {
        continue;
      }
      if ((from > pos && !out.add(from - pos, 0)) || !out.add(to - from, r.flags())) {
        return out.list;
      }
      pos = to;
    }
    if (pos < end) {
      out.add(end - pos, 0);
    }
    return out.finish();
  }

  /** Descriptors merged as they come, up to a limit. */
  private static final class Descriptors {
    final List<StatusExtent> list = new ArrayList<>();
    final int limit;
    long length;
    int flags;

    Descriptors(int limit) {
      this.limit = limit;
    }

    /** Returns false when the limit is reached: the reply ends with what it has. */
    boolean add(long len, int f) {
      if (length > 0 && f == flags) {
        length += len;
        return true;
      }
      if (length > 0) {
        // length <= 2^32 - 1: the request length is a u32.
        list.add(new StatusExtent((int) length, flags));
        if (list.size() == limit) {
          return false;
        }
      }
      length = len;
      flags = f;
      return true;
    }

    List<StatusExtent> finish() {
      if (length > 0 && list.size() < limit) {
        list.add(new StatusExtent((int) length, flags));
      }
      return list;
    }
  }
}
