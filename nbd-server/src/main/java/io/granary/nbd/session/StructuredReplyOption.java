package io.granary.nbd.session;

import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.nio.ByteBuffer;

/** NBD_OPT_STRUCTURED_REPLY: turn on structured replies (sparse reads, block status). */
final class StructuredReplyOption implements OptionHandler {
  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data) {
    if (data.hasRemaining()) {
      return OptionOutcome.reply(
          OptionReplies.error(
              option, OptionReplyType.ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data"));
    }
    if (state.tlsMissing()) {
      return OptionOutcome.tlsRequired(option);
    }
    if (state.structuredReplies) {
      return OptionOutcome.reply(
          OptionReplies.error(
              option, OptionReplyType.ERR_INVALID, "structured replies are already on"));
    }
    state.structuredReplies = true;
    return OptionOutcome.reply(OptionReplies.ack(option));
  }
}
