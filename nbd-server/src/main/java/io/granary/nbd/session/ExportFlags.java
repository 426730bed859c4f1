package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.TransmissionFlag;
import java.util.EnumSet;
import java.util.Set;

/** Transmission flags derived from what an export can do, never typed by hand. */
public final class ExportFlags {
  private ExportFlags() {}

  public static Set<TransmissionFlag> of(ExportInfo export) {
    // Every connection to a volume shares one volume object (ExportCatalog.open), so a flush on
    // one connection covers the writes of all: multi-conn is safe. Reads, block status, DF and
    // CACHE hold for snapshots too; zeroing is a map update, hence always fast.
    EnumSet<TransmissionFlag> flags =
        EnumSet.of(
            TransmissionFlag.HAS_FLAGS,
            TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA,
            TransmissionFlag.SEND_DF,
            TransmissionFlag.CAN_MULTI_CONN,
            TransmissionFlag.SEND_CACHE);
    if (export.readOnly()) {
      flags.add(TransmissionFlag.READ_ONLY);
    } else {
      flags.add(TransmissionFlag.SEND_TRIM);
      flags.add(TransmissionFlag.SEND_WRITE_ZEROES);
      flags.add(TransmissionFlag.SEND_FAST_ZERO);
    }
    return flags;
  }

  public static int encode(ExportInfo export) {
    return TransmissionFlag.encode(of(export));
  }
}
