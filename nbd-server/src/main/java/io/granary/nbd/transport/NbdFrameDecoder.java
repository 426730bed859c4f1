package io.granary.nbd.transport;

import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.protocol.OptionHeader;
import io.granary.nbd.session.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Cuts the client's byte stream into frames: client flags, then options, then requests.
 * At most one frame per call, so the connection can switch the phase before the next frame
 * is cut. Limits are checked before allocating: oversized data is skipped, not buffered.
 */
final class NbdFrameDecoder extends ByteToMessageDecoder {
  /** Which kind of frame comes next. */
  enum Phase {
    CLIENT_FLAGS,
    OPTIONS,
    TRANSMISSION,
    IGNORE
  }

  /** Payload arrays of every connection of the process. */
  private static final PayloadArrays ARRAYS = new PayloadArrays();

  private Phase phase = Phase.CLIENT_FLAGS;
  private long skip;
  private Frame afterSkip;

  NbdFrameDecoder() {
    // Reads are kept as they came and only a frame's own bytes are copied out: merging every
    // read into one buffer would copy a 1 MiB WRITE's payload again on each growth.
    setCumulator(COMPOSITE_CUMULATOR);
  }

  /**
   * Takes back a served request's payload array for a later request. The array may be longer
   * than the payload: its length is the request's.
   */
  static void giveBack(Frame.Request served) {
    ARRAYS.giveBack(served.payload());
  }

  void phase(Phase next) {
    this.phase = next;
  }

  /** Bytes received and not yet cut into frames. */
  int buffered() {
    return actualReadableBytes();
  }

  /**
   * Whether bytes read from the socket are still to be decoded: more requests of the same read
   * follow the one just handed on (a client that pipelines).
   */
  boolean hasUndecodedBytes() {
    return actualReadableBytes() > 0;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (skip > 0) {
      int n = (int) Math.min(skip, in.readableBytes());
      in.skipBytes(n);
      skip -= n;
      if (skip == 0) {
        out.add(afterSkip);
        afterSkip = null;
      }
      return;
    }
    switch (phase) {
      case CLIENT_FLAGS -> {
        if (in.readableBytes() >= 4) {
          out.add(new Frame.ClientFlags(in.readInt()));
        }
      }
      case OPTIONS -> decodeOption(in, out);
      case TRANSMISSION -> decodeRequest(in, out);
      case IGNORE -> in.skipBytes(in.readableBytes());
    }
  }

  private void decodeOption(ByteBuf in, List<Object> out) throws Exception {
    if (in.readableBytes() < OptionHeader.LENGTH) {
      return;
    }
    OptionHeader header = OptionHeader.decode(in.nioBuffer(in.readerIndex(), OptionHeader.LENGTH));
    if (header.length() > Limits.MAX_OPTION_DATA) {
      in.skipBytes(OptionHeader.LENGTH);
      skipThen(header.length(), new Frame.Option(header.code(), null));
      return;
    }
    int data = (int) header.length();
    if (in.readableBytes() < OptionHeader.LENGTH + data) {
      return;
    }
    in.skipBytes(OptionHeader.LENGTH);
    byte[] bytes = new byte[data];
    in.readBytes(bytes);
    out.add(new Frame.Option(header.code(), ByteBuffer.wrap(bytes)));
  }

  private void decodeRequest(ByteBuf in, List<Object> out) throws Exception {
    if (in.readableBytes() < NbdRequest.LENGTH) {
      return;
    }
    NbdRequest request = NbdRequest.decode(in.nioBuffer(in.readerIndex(), NbdRequest.LENGTH));
    if (!request.hasPayload()) {
      in.skipBytes(NbdRequest.LENGTH);
      out.add(new Frame.Request(request, null));
      return;
    }
    if (request.length() > Limits.MAX_PAYLOAD) {
      // Drain the payload and let validation answer EINVAL: the connection stays usable.
      in.skipBytes(NbdRequest.LENGTH);
      skipThen(request.length(), new Frame.Request(request, null));
      return;
    }
    int length = (int) request.length();
    if (in.readableBytes() < NbdRequest.LENGTH + length) {
      return;
    }
    in.skipBytes(NbdRequest.LENGTH);
    byte[] payload = ARRAYS.take(length);
    in.readBytes(payload, 0, length);
    out.add(new Frame.Request(request, payload));
  }

  private void skipThen(long bytes, Frame frame) {
    if (bytes == 0) {
      throw new IllegalStateException("nothing to skip");
    }
    skip = bytes;
    afterSkip = frame;
  }
}
