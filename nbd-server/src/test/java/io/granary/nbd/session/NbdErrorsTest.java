package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdError;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one table from volume failures to NBD errors, for every kind and every command. */
class NbdErrorsTest {
  private static final Map<Kind, NbdError> FOR_READS =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(Kind.NOT_FOUND, NbdError.ESHUTDOWN), Map.entry(Kind.EXISTS, NbdError.EIO),
              Map.entry(Kind.INVALID, NbdError.EINVAL),
                  Map.entry(Kind.OUT_OF_RANGE, NbdError.EINVAL),
              Map.entry(Kind.READ_ONLY, NbdError.EIO), Map.entry(Kind.NO_SPACE, NbdError.ENOSPC),
              Map.entry(Kind.OVER_PROVISIONED, NbdError.ENOSPC),
                  Map.entry(Kind.CORRUPT, NbdError.EIO),
              Map.entry(Kind.BUSY, NbdError.EIO), Map.entry(Kind.CLOSED, NbdError.ESHUTDOWN),
              Map.entry(Kind.IO, NbdError.EIO), Map.entry(Kind.NOT_ALLOWED, NbdError.EPERM)));

  @Test
  void everyKindForEveryCommand() {
    assertEquals(Kind.values().length, FOR_READS.size(), "the table names every kind");
    List<String> wrong = new ArrayList<>();
    for (NbdCommand c : NbdCommand.values()) {
      boolean write = c == NbdCommand.WRITE || c == NbdCommand.WRITE_ZEROES;
      boolean changes = write || c == NbdCommand.TRIM;
      for (Kind k : Kind.values()) {
        NbdError expected = FOR_READS.get(k);
        if (k == Kind.OUT_OF_RANGE && write) {
          expected = NbdError.ENOSPC; // a write that does not fit is a full device
        } else if (k == Kind.READ_ONLY && changes) {
          expected = NbdError.EPERM;
        }
        NbdError got = NbdErrors.of(new VolumeException(k, "test"), c);
        if (got != expected) {
          wrong.add(c + " failing with " + k + ": " + got + ", expected " + expected);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void anythingElseIsEio() {
    assertEquals(NbdError.EIO, NbdErrors.of(new IOException("disk"), NbdCommand.READ));
    assertEquals(NbdError.EIO, NbdErrors.of(new IllegalStateException("bug"), NbdCommand.WRITE));
    assertEquals(NbdError.EIO, NbdErrors.of(new OutOfMemoryError(), NbdCommand.FLUSH));
  }
}
