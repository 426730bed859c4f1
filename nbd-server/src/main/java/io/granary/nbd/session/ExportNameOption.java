package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.MalformedOption;
import io.granary.nbd.protocol.NbdStrings;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * NBD_OPT_EXPORT_NAME, for old clients: the protocol has no error reply for it, so an export
 * that cannot be had, or one asked for before TLS in required mode, closes the connection.
 */
final class ExportNameOption implements OptionHandler {

  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data)
      throws MalformedOption, IOException {
    String name = NbdStrings.read(data, data.remaining(), "export name");
    if (state.tlsMissing()) {
      return OptionOutcome.close();
    }
    ExportLookup.Found found = ExportLookup.find(state, name);
    if (found.refusal() != null) {
      return OptionOutcome.close();
    }
    ExportInfo export = found.export();
    Volume volume;
    try {
      volume = state.catalog.open(name);
    } catch (NoSuchVolumeException e) {
      return OptionOutcome.close();
    }
    ByteBuffer reply =
        OptionReplies.exportName(
            export.size(), ExportFlags.encode(export, state.structuredReplies), state.noZeroes);
    return new OptionOutcome(
        List.of(reply),
        OptionOutcome.Next.TRANSMIT,
        new OptionOutcome.Transmission(
            export, volume, state.structuredReplies, MetaContexts.open(state, name, volume)));
  }
}
