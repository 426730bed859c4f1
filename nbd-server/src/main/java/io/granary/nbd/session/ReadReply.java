package io.granary.nbd.session;

import io.granary.nbd.protocol.TransmissionReplies;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the reply to a READ once the data is in hand: a simple reply, one OFFSET_DATA chunk,
 * or, for sparse ranges under structured replies, OFFSET_DATA and OFFSET_HOLE chunks.
 */
final class ReadReply {
  /**
   * Below this, a hole lookup costs more than sending the zeroes; the spec also wants DF reads
   * up to 64 KiB unfragmented.
   */
  static final int SPARSE_MIN = 64 << 10;

  private ReadReply() {}

  /**
   * The extents clipped to the request, or an empty list unless they cover it without gaps
   * (then the caller sends plain data, which is always correct).
   */
  static List<Extent> clip(List<Extent> extents, long offset, int length) {
    long end = offset + length;
    long next = offset;
    List<Extent> out = new ArrayList<>();
    for (Extent e : extents) {
      long from = Math.max(e.offset(), offset);
      long to = Math.min(e.end(), end);
      if (from >= to) {
        continue;
      }
      if (from != next) {
        return List.of();
      }
      out.add(new Extent(from, to - from, e.allocated()));
      next = to;
    }
    return next == end ? out : List.of();
  }

  static ByteBuffer[] simple(Volume volume, long cookie, long offset, int length) throws IOException {
    byte[] data = new byte[length];
    volume.read(offset, data, 0, length);
    return new ByteBuffer[] {TransmissionReplies.simple(cookie, null), ByteBuffer.wrap(data)};
  }

  static ByteBuffer[] structured(Volume volume, long cookie, long offset, int length, boolean fragment)
      throws IOException {
    if (length == 0) {
      return new ByteBuffer[] {TransmissionReplies.done(cookie)};
    }
    byte[] data = new byte[length];
    List<Extent> pieces = fragment && length >= SPARSE_MIN
        ? clip(volume.blockStatus(offset, length), offset, length) : List.of();
    if (pieces.isEmpty() || pieces.stream().allMatch(Extent::allocated)) {
      volume.read(offset, data, 0, length);
      return new ByteBuffer[] {
          TransmissionReplies.offsetData(cookie, true, offset, length), ByteBuffer.wrap(data)};
    }
    List<ByteBuffer> parts = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      Extent e = pieces.get(i);
      int n = (int) e.length();
      boolean last = i == pieces.size() - 1;
      if (e.allocated()) {
        int at = (int) (e.offset() - offset);
        volume.read(e.offset(), data, at, n);
        parts.add(TransmissionReplies.offsetData(cookie, last, e.offset(), n));
        parts.add(ByteBuffer.wrap(data, at, n));
      } else {
        parts.add(TransmissionReplies.offsetHole(cookie, last, e.offset(), n));
      }
    }
    return parts.toArray(ByteBuffer[]::new);
  }
}
