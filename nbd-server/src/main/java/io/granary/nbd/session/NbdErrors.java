package io.granary.nbd.session;

import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdError;
import io.granary.nbd.protocol.RequestValidator;
import io.granary.snapshots.api.VolumeException;

/** The one table from volume failures to NBD errors. */
final class NbdErrors {
  private NbdErrors() {}

  static NbdError of(Throwable failure, NbdCommand command) {
    if (!(failure instanceof VolumeException v)) {
      return NbdError.EIO;
    }
    return switch (v.kind()) {
      case OUT_OF_RANGE ->
          command == NbdCommand.WRITE || command == NbdCommand.WRITE_ZEROES
              ? NbdError.ENOSPC
              : NbdError.EINVAL;
      case READ_ONLY -> RequestValidator.writes(command) ? NbdError.EPERM : NbdError.EIO;
      case NOT_ALLOWED -> NbdError.EPERM;
      case NO_SPACE, OVER_PROVISIONED -> NbdError.ENOSPC;
      case INVALID -> NbdError.EINVAL;
      case CLOSED, NOT_FOUND -> NbdError.ESHUTDOWN;
      case CORRUPT, IO, BUSY, EXISTS -> NbdError.EIO;
    };
  }
}
