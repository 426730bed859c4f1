package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.TransmissionFlag;
import java.util.EnumSet;
import java.util.Set;

/**
 * Transmission flags derived from what an export can do and what the handshake negotiated,
 * never typed by hand.
 */
public final class ExportFlags {
  private ExportFlags() {}

  /**
   * The flags of {@code export} for a client that has ({@code structuredReplies}) or has not
   * turned structured replies on: DF only with them, as the protocol requires ("MUST leave this
   * flag clear if structured replies have not been negotiated"), since the request validator
   * refuses a DF read without them.
   */
  public static Set<TransmissionFlag> of(ExportInfo export, boolean structuredReplies) {
    // Every connection to a volume shares one volume object (ExportCatalog.open), so a flush on
    // one connection covers the writes of all: multi-conn is safe. Reads, block status, DF and
    // CACHE hold for snapshots too; zeroing is a map update, hence always fast.
    EnumSet<TransmissionFlag> flags =
        EnumSet.of(
            TransmissionFlag.HAS_FLAGS,
            TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA,
            TransmissionFlag.CAN_MULTI_CONN,
            TransmissionFlag.SEND_CACHE);
    if (structuredReplies) {
      flags.add(TransmissionFlag.SEND_DF);
    }
    if (export.readOnly()) {
      flags.add(TransmissionFlag.READ_ONLY);
    } else {
      flags.add(TransmissionFlag.SEND_TRIM);
      flags.add(TransmissionFlag.SEND_WRITE_ZEROES);
      flags.add(TransmissionFlag.SEND_FAST_ZERO);
    }
    return flags;
  }

  public static int encode(ExportInfo export, boolean structuredReplies) {
    return TransmissionFlag.encode(of(export, structuredReplies));
  }
}
