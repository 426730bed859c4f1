package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.TransmissionFlag;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Transmission flags follow from what the export is, never from a hand-typed number. */
class ExportFlagsTest {
  private static final ExportInfo VOLUME = new ExportInfo("p/v", "volume v", 1 << 20, 16384, false);
  private static final ExportInfo SNAPSHOT =
      new ExportInfo("p/v@s", "snapshot", 1 << 20, 16384, true);

  @Test
  void aVolumeCanDoEverythingButResize() {
    assertEquals(
        EnumSet.of(
            TransmissionFlag.HAS_FLAGS,
            TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA,
            TransmissionFlag.SEND_TRIM,
            TransmissionFlag.SEND_WRITE_ZEROES,
            TransmissionFlag.SEND_DF,
            TransmissionFlag.CAN_MULTI_CONN,
            TransmissionFlag.SEND_CACHE,
            TransmissionFlag.SEND_FAST_ZERO),
        ExportFlags.of(VOLUME, true));
    assertEquals(0x0ded, ExportFlags.encode(VOLUME, true));
  }

  @Test
  void aSnapshotIsReadOnlyAndCannotZero() {
    assertEquals(
        EnumSet.of(
            TransmissionFlag.HAS_FLAGS,
            TransmissionFlag.READ_ONLY,
            TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA,
            TransmissionFlag.SEND_DF,
            TransmissionFlag.CAN_MULTI_CONN,
            TransmissionFlag.SEND_CACHE),
        ExportFlags.of(SNAPSHOT, true));
    assertEquals(0x058f, ExportFlags.encode(SNAPSHOT, true));
  }

  /** The protocol: the server "MUST leave this flag clear if structured replies have not been negotiated". */
  @Test
  void dfOnlyWithStructuredReplies() {
    assertEquals(0x0d6d, ExportFlags.encode(VOLUME, false));
    assertEquals(0x050f, ExportFlags.encode(SNAPSHOT, false));
    for (ExportInfo e : new ExportInfo[] {VOLUME, SNAPSHOT}) {
      assertFalse(ExportFlags.of(e, false).contains(TransmissionFlag.SEND_DF));
      EnumSet<TransmissionFlag> rest = EnumSet.copyOf(ExportFlags.of(e, true));
      rest.remove(TransmissionFlag.SEND_DF);
      assertEquals(rest, ExportFlags.of(e, false), "DF is the only difference");
    }
  }

  @Test
  void neverRotationalAlwaysHasFlags() {
    for (ExportInfo e : new ExportInfo[] {VOLUME, SNAPSHOT}) {
      for (boolean structured : new boolean[] {true, false}) {
        assertTrue(ExportFlags.of(e, structured).contains(TransmissionFlag.HAS_FLAGS));
        assertFalse(ExportFlags.of(e, structured).contains(TransmissionFlag.ROTATIONAL));
        assertFalse(ExportFlags.of(e, structured).contains(TransmissionFlag.SEND_RESIZE));
      }
    }
  }
}
