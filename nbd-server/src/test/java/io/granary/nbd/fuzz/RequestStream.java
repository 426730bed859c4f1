package io.granary.nbd.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.protocol.ProtocolViolation;
import io.granary.nbd.session.Limits;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The client's side of a fuzzed transmission phase, one request at a time, each either raw (28
 * header bytes and a WRITE's payload taken as they come) or built from fields: a command, flags,
 * and an offset and a length near the edges that matter (0, a block, the end of the export, the
 * payload limit, the largest u32 and u64) or anywhere. A fuzzer mutating raw bytes rarely lands
 * on {@code offset + length == size + 1}; built requests land there often. Either way the header
 * goes through {@link NbdRequest#decode}.
 */
final class RequestStream {
  /** A request as the transport hands it over: payload null unless a WRITE's data came. */
  record Request(NbdRequest header, byte[] payload) {}

  private final FuzzedDataProvider in;
  private final long size;

  RequestStream(FuzzedDataProvider in, long size) {
    this.in = in;
    this.size = size;
  }

  /** The next request, or null where the stream ends (bad magic, or cut short). */
  Request next() {
    return in.consumeBoolean() ? raw() : built();
  }

  private Request raw() {
    byte[] header = in.consumeBytes(NbdRequest.LENGTH);
    if (header.length < NbdRequest.LENGTH) {
      return null;
    }
    NbdRequest r = decode(header);
    if (r == null || !r.hasPayload() || r.length() > Limits.MAX_PAYLOAD) {
      return r == null ? null : new Request(r, null);
    }
    byte[] payload = in.consumeBytes((int) r.length());
    return payload.length < r.length() ? null : new Request(r, payload);
  }

  private Request built() {
    byte[] bytes = bytes(Limits.MAX_PAYLOAD);
    NbdRequest r = decode(bytes);
    byte[] payload =
        bytes.length > NbdRequest.LENGTH
            ? Arrays.copyOfRange(bytes, NbdRequest.LENGTH, bytes.length)
            : null;
    return new Request(r, r.hasPayload() && r.length() == 0 ? new byte[0] : payload);
  }

  /**
   * A built request as the client sends it: the header, then a WRITE's payload if its length
   * is at most {@code payloadLimit} (else the header alone, and the client sends no more).
   */
  byte[] bytes(long payloadLimit) {
    int type = in.consumeInt(0, 9);
    int flags = in.consumeBoolean() ? in.consumeInt(0, 0x3f) : in.consumeInt(0, 0xffff);
    long offset =
        in.consumeBoolean()
            ? in.consumeLong()
            : in.pickValue(
                    new long[] {0, 4096, size - 4096, size - 1, size, size + 1, Long.MAX_VALUE, -1})
                + in.consumeInt(-1, 1);
    long room = size - offset;
    long length =
        (in.consumeBoolean()
                ? in.consumeInt()
                : in.pickValue(
                        new long[] {0, 1, 4096, 1 << 20, Limits.MAX_PAYLOAD, room, 0xffffffffL})
                    + in.consumeInt(-1, 1))
            & 0xffffffffL;
    int payload = type == 1 && length <= payloadLimit ? (int) length : 0;
    ByteBuffer b =
        ByteBuffer.allocate(NbdRequest.LENGTH + payload)
            .putInt(0x25609513)
            .putShort((short) flags)
            .putShort((short) type)
            .putLong(in.consumeLong())
            .putLong(offset)
            .putInt((int) length);
    Arrays.fill(b.array(), NbdRequest.LENGTH, b.capacity(), in.consumeByte());
    return b.array();
  }

  private static NbdRequest decode(byte[] header) {
    try {
      return NbdRequest.decode(ByteBuffer.wrap(header));
    } catch (ProtocolViolation e) {
      return null;
    }
  }
}
