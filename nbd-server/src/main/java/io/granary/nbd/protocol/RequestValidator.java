package io.granary.nbd.protocol;

import java.util.EnumMap;
import java.util.Map;

/**
 * Decides whether a request may reach the volume, and if not, which error the client gets.
 * Pure: the checks follow doc/proto.md so the volume never sees an invalid request.
 */
public final class RequestValidator {
  private static final int FUA = CommandFlag.FUA.mask();
  private static final Map<NbdCommand, Integer> ALLOWED_FLAGS = new EnumMap<>(NbdCommand.class);

  static {
    // FUA is accepted on every command: some clients set it on reads (proto.md allows it).
    ALLOWED_FLAGS.put(NbdCommand.READ, FUA | CommandFlag.DF.mask());
    ALLOWED_FLAGS.put(NbdCommand.WRITE, FUA);
    ALLOWED_FLAGS.put(NbdCommand.DISC, FUA);
    ALLOWED_FLAGS.put(NbdCommand.FLUSH, FUA);
    ALLOWED_FLAGS.put(NbdCommand.TRIM, FUA);
    ALLOWED_FLAGS.put(NbdCommand.CACHE, FUA);
    ALLOWED_FLAGS.put(
        NbdCommand.WRITE_ZEROES, FUA | CommandFlag.NO_HOLE.mask() | CommandFlag.FAST_ZERO.mask());
    ALLOWED_FLAGS.put(NbdCommand.BLOCK_STATUS, FUA | CommandFlag.REQ_ONE.mask());
  }

  private RequestValidator() {}

  /** The error to answer {@code request} with, or {@code null} if it is valid. */
  public static NbdError check(NbdRequest request, ExportTerms terms) {
    NbdCommand command = request.command();
    if (command == null || command == NbdCommand.RESIZE) {
      return NbdError.EINVAL;
    }
    int allowed = ALLOWED_FLAGS.get(command);
    if ((request.flags() & ~allowed) != 0) {
      return NbdError.EINVAL;
    }
    if (request.has(CommandFlag.DF) && !terms.structuredReplies()) {
      return NbdError.EINVAL;
    }
    if (request.has(CommandFlag.FAST_ZERO) && !terms.fastZero()) {
      return NbdError.EINVAL;
    }
    if (command == NbdCommand.BLOCK_STATUS && !terms.blockStatus()) {
      return NbdError.EINVAL;
    }
    if (terms.readOnly() && writes(command)) {
      return NbdError.EPERM;
    }
    if ((command == NbdCommand.READ || command == NbdCommand.WRITE)
        && request.length() > terms.maxPayload()) {
      return NbdError.EINVAL;
    }
    if (command == NbdCommand.BLOCK_STATUS && request.length() == 0) {
      return NbdError.EINVAL;
    }
    if (hasRange(command) && pastEnd(request, terms.size())) {
      // A write that does not fit is a full device; a read past the end is a bad argument.
      return command == NbdCommand.WRITE || command == NbdCommand.WRITE_ZEROES
          ? NbdError.ENOSPC
          : NbdError.EINVAL;
    }
    return null;
  }

  /** Whether the command changes data (refused with EPERM on a read-only export). */
  public static boolean writes(NbdCommand command) {
    return command == NbdCommand.WRITE
        || command == NbdCommand.TRIM
        || command == NbdCommand.WRITE_ZEROES;
  }

  private static boolean hasRange(NbdCommand command) {
    return command != NbdCommand.DISC && command != NbdCommand.FLUSH;
  }

  private static boolean pastEnd(NbdRequest request, long size) {
    long offset = request.offset();
    // offset is u64 on the wire: a negative long is beyond any size.
    return offset < 0 || offset > size || request.length() > size - offset;
  }
}
