package io.granary.nbd.session;

import io.granary.nbd.protocol.MalformedOption;
import io.granary.nbd.protocol.MetaContextRequest;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT, over the export's contexts. */
final class MetaContextOption implements OptionHandler {
  private final boolean list;

  MetaContextOption(boolean list) {
    this.list = list;
  }

  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data)
      throws MalformedOption, IOException {
    MetaContextRequest request = MetaContextRequest.decode(data);
    if (state.tlsMissing()) {
      return OptionOutcome.tlsRequired(option);
    }
    if (!state.structuredReplies) {
      return OptionOutcome.reply(
          OptionReplies.error(
              option,
              OptionReplyType.ERR_INVALID,
              "meta contexts need NBD_OPT_STRUCTURED_REPLY first"));
    }
    ExportLookup.Found found = ExportLookup.find(state, request.exportName());
    if (found.refusal() != null) {
      return OptionOutcome.reply(InfoOption.refusal(option, request.exportName(), found.refusal()));
    }
    List<String> selected =
        MetaContexts.select(
            MetaContexts.offered(state.catalog, request.exportName()), request.queries(), list);
    if (!list) {
      // A SET replaces what an earlier SET chose.
      state.metaContextExport = selected.isEmpty() ? null : request.exportName();
      state.metaContexts = List.copyOf(selected);
    }
    List<ByteBuffer> replies = new ArrayList<>();
    for (int i = 0; i < selected.size(); i++) {
      replies.add(OptionReplies.metaContext(option, list ? 0 : i + 1, selected.get(i)));
    }
    replies.add(OptionReplies.ack(option));
    return OptionOutcome.replies(replies);
  }
}
