package io.granary.nbd.session;

import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.nio.ByteBuffer;

/**
 * Every option this server does not implement, extended headers included: NBD_REP_ERR_UNSUP,
 * never a hang-up (QEMU 8.2+ and libnbd 1.18+ ask for extended headers by default).
 */
final class UnsupportedOption implements OptionHandler {
  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data) {
    return reply(option);
  }

  static OptionOutcome reply(int option) {
    return OptionOutcome.reply(
        OptionReplies.error(
            option,
            OptionReplyType.ERR_UNSUP,
            "option " + option + " is not supported by this server"));
  }
}
