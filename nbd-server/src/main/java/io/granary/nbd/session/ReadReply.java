package io.granary.nbd.session;

import io.granary.dedupe.api.Zeroes;
import io.granary.nbd.protocol.TransmissionReplies;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the reply to a READ once the data is in hand: a simple reply, one OFFSET_DATA chunk,
 * or, under structured replies, OFFSET_DATA and OFFSET_HOLE chunks so that zero ranges are not
 * sent. Zeroes are found in the data read rather than asked of the volume's map: a scan of the
 * buffer costs less than a second walk of the map (BENCHMARKS.md, 1 MiB reads), and a hole in
 * a READ only promises zeroes, which the scan proves.
 */
final class ReadReply {
  /**
   * Zero runs shorter than this are sent as data: a hole chunk costs a header, and the spec
   * wants DF reads up to 64 KiB unfragmented.
   */
  static final int HOLE_MIN = 64 << 10;

  /** The granularity of the zero scan: a page. */
  static final int PIECE = 4096;

  private ReadReply() {}

  static ByteBuffer[] simple(Volume volume, long cookie, long offset, int length)
      throws IOException {
    byte[] data = new byte[length];
    volume.read(offset, data, 0, length);
    return new ByteBuffer[] {TransmissionReplies.simple(cookie, null), ByteBuffer.wrap(data)};
  }

  static ByteBuffer[] structured(
      Volume volume, long cookie, long offset, int length, boolean fragment) throws IOException {
    if (length == 0) {
      return new ByteBuffer[] {TransmissionReplies.done(cookie)};
    }
    byte[] data = new byte[length];
    volume.read(offset, data, 0, length);
    List<Extent> pieces =
        fragment ? pieces(data, offset) : List.of(new Extent(offset, length, true));
    List<ByteBuffer> parts = new ArrayList<>(2 * pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      Extent e = pieces.get(i);
      int n = (int) e.length();
      boolean last = i == pieces.size() - 1;
      if (e.allocated()) {
        parts.add(TransmissionReplies.offsetData(cookie, last, e.offset(), n));
        parts.add(ByteBuffer.wrap(data, (int) (e.offset() - offset), n));
      } else {
        parts.add(TransmissionReplies.offsetHole(cookie, last, e.offset(), n));
      }
    }
    return parts.toArray(ByteBuffer[]::new);
  }

  /**
   * The read as data and zero runs, covering it exactly: a run of zero pages becomes a hole
   * when it is at least {@link #HOLE_MIN} long, everything else is data.
   */
  static List<Extent> pieces(byte[] data, long offset) {
    List<Extent> out = new ArrayList<>();
    int dataStart = 0;
    int at = 0;
    while (at < data.length) {
      int zeroEnd = at;
      while (zeroEnd < data.length && isZero(data, zeroEnd)) {
        zeroEnd = Math.min(data.length, zeroEnd + PIECE);
      }
      if (zeroEnd - at >= HOLE_MIN) {
        if (at > dataStart) {
          out.add(new Extent(offset + dataStart, at - dataStart, true));
        }
        out.add(new Extent(offset + at, zeroEnd - at, false));
        dataStart = zeroEnd;
        at = zeroEnd;
      } else {
        at = Math.min(data.length, Math.max(zeroEnd, at + PIECE));
      }
    }
    if (dataStart < data.length) {
      out.add(new Extent(offset + dataStart, data.length - dataStart, true));
    }
    return out;
  }

  private static boolean isZero(byte[] data, int from) {
    return Zeroes.isZero(data, from, Math.min(PIECE, data.length - from));
  }
}
