package io.granary.nbd.session;

import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.nio.ByteBuffer;
import java.util.List;

/** NBD_OPT_STARTTLS: acknowledge; the transport then runs the TLS handshake. */
final class StartTlsOption implements OptionHandler {
  @Override
  public OptionOutcome handle(HandshakeState state, int option, ByteBuffer data) {
    if (data.hasRemaining()) {
      return OptionOutcome.reply(
          OptionReplies.error(
              option, OptionReplyType.ERR_INVALID, "NBD_OPT_STARTTLS takes no data"));
    }
    if (state.tlsMode == TlsMode.OFF) {
      return OptionOutcome.reply(
          OptionReplies.error(
              option, OptionReplyType.ERR_UNSUP, "TLS is not configured on this server"));
    }
    if (state.tls) {
      return OptionOutcome.reply(
          OptionReplies.error(option, OptionReplyType.ERR_INVALID, "TLS is already on"));
    }
    return new OptionOutcome(
        List.of(OptionReplies.ack(option)), OptionOutcome.Next.START_TLS, null);
  }
}
