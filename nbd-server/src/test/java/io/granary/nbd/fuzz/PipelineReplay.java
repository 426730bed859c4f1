package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;
import static io.granary.nbd.fuzz.OptionReplyCheck.ABORT;
import static io.granary.nbd.fuzz.OptionReplyCheck.EXPORT_NAME;
import static io.granary.nbd.fuzz.OptionReplyCheck.GO;
import static io.granary.nbd.fuzz.OptionReplyCheck.STARTTLS;
import static io.granary.nbd.fuzz.OptionReplyCheck.STRUCTURED_REPLY;

import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.transport.EmbeddedNbdConnection.FlagsReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.OptionReceived;
import io.granary.nbd.transport.EmbeddedNbdConnection.Received;
import io.granary.nbd.transport.EmbeddedNbdConnection.RequestReceived;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One connection replayed from the client's side: the frames the server's decoder cut must be
 * exactly the bytes sent, and what the server sent must be its greeting and then a well-formed
 * answer to each frame, in order, with nothing read after a hang-up or DISC. Requests the
 * server had no chance to answer before the connection closed may go unanswered, and so may a
 * STARTTLS with bytes behind it. After STARTTLS the server speaks TLS, which only its own
 * handshake could check.
 */
final class PipelineReplay {
  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final int DISC = 2;

  private boolean noZeroes;
  private boolean structured;
  private boolean encrypted;
  private boolean transmitting;
  private boolean disconnected;

  /** Whether the client sent more than the frames the decoder cut. */
  private boolean sentMore;

  private PipelineReplay() {}

  /** Checks a connection that {@code closed} or not, and says how it ended. */
  static PipelineReplay replay(byte[] wire, List<Received> received, byte[] sent, boolean closed) {
    PipelineReplay replay = new PipelineReplay();
    replay.checkFrames(wire, received);
    replay.checkAnswers(received, ByteBuffer.wrap(sent), closed);
    return replay;
  }

  /** Whether the connection entered the transmission phase. */
  boolean transmitting() {
    return transmitting;
  }

  /** Whether the client sent NBD_CMD_DISC. */
  boolean disconnected() {
    return disconnected;
  }

  /** The frames, encoded again, are the start of what the client sent. */
  private void checkFrames(byte[] wire, List<Received> received) {
    ByteArrayOutputStream cut = new ByteArrayOutputStream();
    for (Received f : received) {
      if (f instanceof FlagsReceived flags) {
        cut.writeBytes(ByteBuffer.allocate(4).putInt(flags.flags()).array());
      } else if (f instanceof OptionReceived o) {
        if (o.data() == null) {
          // Skipped data: its length is not in the frame, so the comparison ends here.
          break;
        }
        cut.writeBytes(NbdWire.option(o.code(), o.data()));
      } else if (f instanceof RequestReceived r) {
        NbdRequest q = r.request();
        cut.writeBytes(
            NbdWire.request(q.flags(), q.type(), q.cookie(), q.offset(), q.length(), r.payload()));
        if (q.hasPayload() && r.payload() == null && q.length() > 0) {
          break;
        }
      }
    }
    byte[] c = cut.toByteArray();
    check(
        c.length <= wire.length && Arrays.equals(c, 0, c.length, wire, 0, c.length),
        "the decoder's frames are not the bytes the client sent");
    sentMore = c.length < wire.length;
  }

  private void checkAnswers(List<Received> received, ByteBuffer out, boolean closed) {
    check(
        out.remaining() >= 18
            && out.getLong() == NBDMAGIC
            && out.getLong() == IHAVEOPT
            && out.getShort() == 3,
        "no fixed-newstyle greeting");
    boolean over = false;
    boolean flags = false;
    for (Received f : received) {
      check(!over, "the server read on after the connection was over: " + f);
      if (f instanceof FlagsReceived c) {
        check(!flags, "client flags read twice");
        flags = true;
        noZeroes = (c.flags() & 2) != 0;
        // Fixed newstyle is required; unknown bits close the connection.
        over = (c.flags() & ~3) != 0 || (c.flags() & 1) == 0;
      } else if (f instanceof OptionReceived o) {
        check(!transmitting && !encrypted, "an option read after the handshake");
        over = answerOption(o, out);
      } else if (f instanceof RequestReceived r) {
        check(transmitting, "a request read before transmission");
        if (r.request().type() == DISC) {
          disconnected = true;
          over = true;
        } else if (out.hasRemaining()) {
          TransmissionReplyCheck.read(out, r.request(), structured, null);
        } else {
          check(closed, "cookie " + r.request().cookie() + " unanswered on an open connection");
        }
      }
    }
    check(encrypted || !out.hasRemaining(), out.remaining() + " bytes sent that nobody asked for");
  }

  /** Checks the answer to one option; true if the server hangs up after it. */
  private boolean answerOption(OptionReceived o, ByteBuffer out) {
    if (o.code() == EXPORT_NAME) {
      if (!out.hasRemaining()) {
        // Refused: the protocol's only answer is to hang up.
        return true;
      }
      OptionReplyCheck.exportNameReply(out, noZeroes);
      transmitting = true;
      return false;
    }
    if (o.code() == STARTTLS && !out.hasRemaining()) {
      // Bytes read in the clear behind STARTTLS: the server hangs up rather than take them for
      // the start of the encrypted session.
      check(sentMore, "STARTTLS unanswered, though nothing came behind it");
      return true;
    }
    OptionReplyCheck.Replies replies = OptionReplyCheck.read(out, o.code());
    if (replies.acknowledged()) {
      switch (o.code()) {
        case STRUCTURED_REPLY -> structured = true;
        case STARTTLS -> encrypted = true;
        case GO -> transmitting = true;
        case ABORT -> {
          return true;
        }
        default -> {}
      }
    }
    return false;
  }
}
