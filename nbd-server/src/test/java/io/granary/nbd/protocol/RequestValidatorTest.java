package io.granary.nbd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What reaches the volume, and which error answers the rest (doc/proto.md, "Request types"). */
class RequestValidatorTest {
  private static final long MIB = 1 << 20;
  private static final long SIZE = 1024 * MIB;
  private static final int MAX = 32 << 20;

  /** Everything negotiated: a writable 1 GiB export with structured replies and block status. */
  private static final ExportTerms ALL = new ExportTerms(SIZE, false, true, true, true, MAX);

  private static final ExportTerms SIMPLE = new ExportTerms(SIZE, false, false, false, true, MAX);
  private static final ExportTerms READ_ONLY = new ExportTerms(SIZE, true, true, true, false, MAX);

  /** The flags the spec allows per command; FUA is accepted everywhere (clients set it on reads). */
  private static final Map<NbdCommand, Set<CommandFlag>> ALLOWED =
      Map.of(
          NbdCommand.READ,
          EnumSet.of(CommandFlag.FUA, CommandFlag.DF),
          NbdCommand.WRITE,
          EnumSet.of(CommandFlag.FUA),
          NbdCommand.DISC,
          EnumSet.of(CommandFlag.FUA),
          NbdCommand.FLUSH,
          EnumSet.of(CommandFlag.FUA),
          NbdCommand.TRIM,
          EnumSet.of(CommandFlag.FUA),
          NbdCommand.CACHE,
          EnumSet.of(CommandFlag.FUA),
          NbdCommand.WRITE_ZEROES,
          EnumSet.of(CommandFlag.FUA, CommandFlag.NO_HOLE, CommandFlag.FAST_ZERO),
          NbdCommand.BLOCK_STATUS,
          EnumSet.of(CommandFlag.FUA, CommandFlag.REQ_ONE));

  @Test
  void everyCommandWithEveryFlagBit() {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<NbdCommand, Set<CommandFlag>> e : ALLOWED.entrySet()) {
      NbdCommand c = e.getKey();
      for (int bit = 0; bit < 16; bit++) {
        int flags = 1 << bit;
        boolean allowed = e.getValue().stream().anyMatch(f -> f.mask() == flags);
        NbdError expected = allowed ? null : NbdError.EINVAL;
        NbdError got = RequestValidator.check(request(c, flags, 0, 4096), ALL);
        if (got != expected) {
          wrong.add(c + " with flag bit " + bit + ": " + got + ", expected " + expected);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void payloadLenIsRefusedWithoutExtendedHeaders() {
    for (NbdCommand c : ALLOWED.keySet()) {
      assertEquals(
          NbdError.EINVAL,
          RequestValidator.check(request(c, CommandFlag.PAYLOAD_LEN.mask(), 0, 4096), ALL),
          c.name());
    }
  }

  @Test
  void dfNeedsStructuredReplies() {
    int df = CommandFlag.DF.mask();
    assertNull(RequestValidator.check(request(NbdCommand.READ, df, 0, 4096), ALL));
    assertEquals(
        NbdError.EINVAL, RequestValidator.check(request(NbdCommand.READ, df, 0, 4096), SIMPLE));
    assertNull(RequestValidator.check(request(NbdCommand.READ, 0, 0, 4096), SIMPLE));
  }

  @Test
  void fastZeroOnlyWhenAdvertised() {
    int fast = CommandFlag.FAST_ZERO.mask();
    ExportTerms noFastZero = new ExportTerms(SIZE, false, true, true, false, MAX);
    assertNull(RequestValidator.check(request(NbdCommand.WRITE_ZEROES, fast, 0, 4096), ALL));
    assertEquals(
        NbdError.EINVAL,
        RequestValidator.check(request(NbdCommand.WRITE_ZEROES, fast, 0, 4096), noFastZero));
    // nbdkit 1.32.5 aborted on exactly this: FAST_ZERO on an export that cannot zero at all.
    assertEquals(
        NbdError.EINVAL,
        RequestValidator.check(request(NbdCommand.WRITE_ZEROES, fast, 0, 4096), READ_ONLY));
  }

  @Test
  void blockStatusOnlyAfterAMetaContextWasSet() {
    assertNull(RequestValidator.check(request(NbdCommand.BLOCK_STATUS, 0, 0, 4096), ALL));
    assertEquals(
        NbdError.EINVAL,
        RequestValidator.check(request(NbdCommand.BLOCK_STATUS, 0, 0, 4096), SIMPLE));
  }

  @Test
  void writesToAReadOnlyExportAreEperm() {
    for (NbdCommand c : ALLOWED.keySet()) {
      boolean writes =
          c == NbdCommand.WRITE || c == NbdCommand.TRIM || c == NbdCommand.WRITE_ZEROES;
      assertEquals(writes, RequestValidator.writes(c), c.name());
      assertEquals(
          writes ? NbdError.EPERM : null,
          RequestValidator.check(request(c, 0, 0, 4096), READ_ONLY),
          c.name());
    }
  }

  @Test
  void pastTheEndIsEnospcForWritesAndEinvalOtherwise() {
    List<NbdCommand> writes = List.of(NbdCommand.WRITE, NbdCommand.WRITE_ZEROES);
    List<NbdCommand> others =
        List.of(NbdCommand.READ, NbdCommand.TRIM, NbdCommand.CACHE, NbdCommand.BLOCK_STATUS);
    long[][] ranges = {
      {SIZE - 2048, 4096}, {SIZE, 1}, {SIZE + 1, 0}, {SIZE - 1, 0xffffffffL},
      {Long.MAX_VALUE, 1}, {Long.MIN_VALUE, 1}, {-4096, 4096}, {0xfffffffffffff000L, 0x2000}
    };
    for (long[] r : ranges) {
      String where = Long.toUnsignedString(r[0]) + "+" + r[1];
      for (NbdCommand c : writes) {
        long length = Math.min(r[1], MAX);
        assertEquals(
            NbdError.ENOSPC,
            RequestValidator.check(request(c, 0, r[0], length), ALL),
            c + " at " + where);
      }
      for (NbdCommand c : others) {
        long length = c == NbdCommand.READ ? Math.min(r[1], MAX) : r[1];
        assertEquals(
            NbdError.EINVAL,
            RequestValidator.check(request(c, 0, r[0], length), ALL),
            c + " at " + where);
      }
    }
  }

  @Test
  void rangesEndingExactlyAtTheEndAreValid() {
    for (NbdCommand c :
        List.of(
            NbdCommand.READ,
            NbdCommand.WRITE,
            NbdCommand.TRIM,
            NbdCommand.CACHE,
            NbdCommand.WRITE_ZEROES,
            NbdCommand.BLOCK_STATUS)) {
      assertNull(RequestValidator.check(request(c, 0, SIZE - 4096, 4096), ALL), c.name());
    }
  }

  @Test
  void readsAndWritesAreLimitedTo32MiB() {
    for (NbdCommand c : List.of(NbdCommand.READ, NbdCommand.WRITE)) {
      assertNull(RequestValidator.check(request(c, 0, 0, MAX), ALL), c.name());
      assertEquals(
          NbdError.EINVAL, RequestValidator.check(request(c, 0, 0, MAX + 1L), ALL), c.name());
      assertEquals(
          NbdError.EINVAL, RequestValidator.check(request(c, 0, 0, 0xffffffffL), ALL), c.name());
    }
    // Commands without a payload may cover more.
    for (NbdCommand c :
        List.of(
            NbdCommand.TRIM, NbdCommand.WRITE_ZEROES, NbdCommand.CACHE, NbdCommand.BLOCK_STATUS)) {
      assertNull(RequestValidator.check(request(c, 0, 0, 64 * MIB), ALL), c.name());
    }
  }

  @Test
  void zeroLengthIsValidExceptForBlockStatus() {
    for (NbdCommand c :
        List.of(
            NbdCommand.READ,
            NbdCommand.WRITE,
            NbdCommand.TRIM,
            NbdCommand.WRITE_ZEROES,
            NbdCommand.CACHE)) {
      assertNull(RequestValidator.check(request(c, 0, 4096, 0), ALL), c.name());
    }
    assertEquals(
        NbdError.EINVAL, RequestValidator.check(request(NbdCommand.BLOCK_STATUS, 0, 0, 0), ALL));
  }

  @Test
  void unknownCommandsAndResizeAreEinval() {
    for (int type : new int[] {NbdCommand.RESIZE.code(), 9, 42, 0xffff}) {
      assertEquals(
          NbdError.EINVAL,
          RequestValidator.check(new NbdRequest(0, type, 1, 0, 4096), ALL),
          "type " + type);
    }
  }

  private static NbdRequest request(NbdCommand c, int flags, long offset, long length) {
    return new NbdRequest(flags, c.code(), 7, offset, length);
  }
}
