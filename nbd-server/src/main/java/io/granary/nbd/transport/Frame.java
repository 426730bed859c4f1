package io.granary.nbd.transport;

import io.granary.nbd.protocol.NbdRequest;
import java.nio.ByteBuffer;

/** The units the frame decoder cuts the byte stream into, one per phase of the protocol. */
sealed interface Frame {

  /** The client's 32 flag bits after the greeting. */
  record ClientFlags(int flags) implements Frame {}

  /** One option; {@code data} is null when it was too long and has been skipped. */
  record Option(int code, ByteBuffer data) implements Frame {}

  /**
   * One request; {@code payload} holds a WRITE's data unless it was too long and skipped. The
   * array may be longer than the data (it is reused: {@link NbdFrameDecoder#giveBack}); the
   * request's length is the data's.
   */
  record Request(NbdRequest request, byte[] payload) implements Frame {}
}
