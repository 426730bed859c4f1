package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.snapshots.api.Volume;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the transport does after one option: send {@code replies}, then continue, start TLS,
 * enter transmission with an opened export, or close.
 */
public record OptionOutcome(List<ByteBuffer> replies, Next next, Transmission transmission) {

  /** The step after the replies are sent. */
  public enum Next {
    CONTINUE,
    START_TLS,
    TRANSMIT,
    CLOSE
  }

  /** An opened export and the terms agreed for it: BLOCK_STATUS is served if contexts are set. */
  public record Transmission(
      ExportInfo export, Volume volume, boolean structuredReplies, List<ContextMap> metaContexts) {
    public boolean blockStatus() {
      return !metaContexts.isEmpty();
    }
  }

  static OptionOutcome reply(ByteBuffer... replies) {
    return new OptionOutcome(List.of(replies), Next.CONTINUE, null);
  }

  static OptionOutcome replies(List<ByteBuffer> replies) {
    return new OptionOutcome(List.copyOf(replies), Next.CONTINUE, null);
  }

  /** The answer to everything but STARTTLS and ABORT before TLS, when TLS is required. */
  static OptionOutcome tlsRequired(int option) {
    return reply(
        OptionReplies.error(
            option,
            OptionReplyType.ERR_TLS_REQD,
            "this server requires TLS: send NBD_OPT_STARTTLS first"));
  }

  static OptionOutcome close(ByteBuffer... replies) {
    return new OptionOutcome(List.of(replies), Next.CLOSE, null);
  }
}
