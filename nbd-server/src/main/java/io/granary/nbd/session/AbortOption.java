package io.granary.nbd.session;

import io.granary.nbd.protocol.OptionReplies;
import java.nio.ByteBuffer;

/** NBD_OPT_ABORT: acknowledge, then close. */
final class AbortOption implements OptionHandler {
  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data) {
    return OptionOutcome.close(OptionReplies.ack(option));
  }
}
