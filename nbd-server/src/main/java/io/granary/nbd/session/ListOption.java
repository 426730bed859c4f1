package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** NBD_OPT_LIST: one NBD_REP_SERVER per export this client may open, then ACK. */
final class ListOption implements OptionHandler {

  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data)
      throws IOException {
    if (data.hasRemaining()) {
      return OptionOutcome.reply(
          OptionReplies.error(option, OptionReplyType.ERR_INVALID, "NBD_OPT_LIST takes no data"));
    }
    if (state.tlsMissing()) {
      return OptionOutcome.tlsRequired(option);
    }
    List<ByteBuffer> replies = new ArrayList<>();
    for (ExportInfo e : state.catalog.list()) {
      if (state.access.allows(e.name(), state.client)) {
        replies.add(OptionReplies.server(e.name(), e.description()));
      }
    }
    replies.add(OptionReplies.ack(option));
    return OptionOutcome.replies(replies);
  }
}
