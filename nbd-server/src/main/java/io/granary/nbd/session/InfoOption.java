package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.ExportRequest;
import io.granary.nbd.protocol.InfoType;
import io.granary.nbd.protocol.MalformedOption;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * NBD_OPT_INFO and NBD_OPT_GO: describe an export (the same facts for both), and for GO open
 * it and enter transmission.
 */
final class InfoOption implements OptionHandler {
  private final boolean go;

  InfoOption(boolean go) {
    this.go = go;
  }

  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data)
      throws MalformedOption, IOException {
    ExportRequest request = ExportRequest.decode(data);
    if (state.tlsMissing()) {
      return OptionOutcome.tlsRequired(option);
    }
    ExportLookup.Found found = ExportLookup.find(state, request.name());
    if (found.refusal() != null) {
      return OptionOutcome.reply(refusal(option, request.name(), found.refusal()));
    }
    ExportInfo export = found.export();
    List<ByteBuffer> replies =
        describe(option, export, request.requests(), state.structuredReplies);
    if (!go) {
      replies.add(OptionReplies.ack(option));
      return OptionOutcome.replies(replies);
    }
    Volume volume;
    try {
      volume = state.catalog.open(export.name());
    } catch (NoSuchVolumeException e) {
      return OptionOutcome.reply(refusal(option, export.name(), ExportLookup.Refusal.UNKNOWN));
    }
    replies.add(OptionReplies.ack(option));
    return new OptionOutcome(
        List.copyOf(replies),
        OptionOutcome.Next.TRANSMIT,
        new OptionOutcome.Transmission(
            export,
            volume,
            state.structuredReplies,
            MetaContexts.open(state, export.name(), volume)));
  }

  static ByteBuffer refusal(int option, String name, ExportLookup.Refusal refusal) {
    return refusal == ExportLookup.Refusal.UNKNOWN
        ? OptionReplies.error(option, OptionReplyType.ERR_UNKNOWN, "no export named '" + name + "'")
        : OptionReplies.error(
            option,
            OptionReplyType.ERR_POLICY,
            "access to '" + name + "' is not allowed for this client");
  }

  /** NBD_INFO_EXPORT always (QEMU never asks for it), block sizes always, the rest on request. */
  private static List<ByteBuffer> describe(
      int option, ExportInfo export, List<InfoType> requests, boolean structuredReplies) {
    List<ByteBuffer> replies = new ArrayList<>();
    if (requests.contains(InfoType.NAME)) {
      replies.add(OptionReplies.infoName(option, export.name()));
    }
    if (requests.contains(InfoType.DESCRIPTION)) {
      replies.add(OptionReplies.infoDescription(option, export.description()));
    }
    replies.add(
        OptionReplies.infoBlockSize(
            option, Limits.MIN_BLOCK, preferredBlockSize(export), Limits.MAX_PAYLOAD));
    replies.add(
        OptionReplies.infoExport(
            option, export.size(), ExportFlags.encode(export, structuredReplies)));
    return replies;
  }

  /** The volume's block size, kept to the spec's range for the preferred size. */
  private static int preferredBlockSize(ExportInfo export) {
    int b = export.blockSize();
    if (Integer.bitCount(b) != 1 || b < 512) {
      return 4096;
    }
    return Math.min(b, Limits.MAX_PAYLOAD);
  }
}
