package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.session.ContextMap;
import io.granary.nbd.session.OptionOutcome;
import io.granary.nbd.session.TransmissionSession;
import io.granary.nbd.testing.NbdWire;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The transmission phase under an arbitrary request stream ({@link RequestStream}: raw headers
 * and payloads, or requests built with offsets and lengths at the edges), cut as the transport
 * cuts them (a payload beyond the server's limit counts as skipped) and served by a {@link
 * TransmissionSession} on a volume of {@link MemoryExports} (read-write, a read-only snapshot,
 * or one of odd size), with or without structured replies and block status.
 *
 * <p>Proves: the session never throws and logs no unexpected exception; the volume never sees
 * a request it should have refused (out of range, a write to a snapshot); every request but
 * DISC gets exactly one well-formed reply with its cookie ({@link TransmissionReplyCheck}); a
 * READ returns the volume's bytes, holes and zero extents are zeroes, and a successful WRITE,
 * TRIM or WRITE_ZEROES left the volume holding what it should.
 */
class TransmissionFuzzTest {
  /**
   * Enough for any sequence that matters; bounds the time of one input, which may move 32 MiB
   * per request.
   */
  private static final int MAX_REQUESTS = 16;

  private static final ExportInfo[] EXPORTS = {
    MemoryExports.DISK, MemoryExports.SNAPSHOT, MemoryExports.ODD
  };

  private static ServerLog log;

  @BeforeAll
  static void watchLog() {
    log = ServerLog.watch();
  }

  @AfterAll
  static void releaseLog() {
    log.close();
  }

  @FuzzTest
  @Timeout(10)
  void transmission(FuzzedDataProvider input) throws IOException {
    ExportInfo export = input.pickValue(EXPORTS);
    boolean structured = input.consumeBoolean();
    boolean blockStatus = structured && input.consumeBoolean();
    log.reset();
    MemoryExports exports = new MemoryExports();
    Volume volume = exports.open(export.name());
    TransmissionSession session =
        new TransmissionSession(
            new OptionOutcome.Transmission(
                export,
                volume,
                structured,
                blockStatus ? List.of(ContextMap.baseAllocation(1, volume)) : List.of()),
            "fuzz");
    TransmissionReplyCheck.Content content = exports.content(export);
    RequestStream requests = new RequestStream(input, export.size());
    for (int n = 0; n < MAX_REQUESTS && input.remainingBytes() > 0; n++) {
      RequestStream.Request r = requests.next();
      if (r == null || r.header().type() == NbdCommand.DISC.code()) {
        break;
      }
      List<ByteBuffer[]> replies = new ArrayList<>();
      session.serve(r.header(), r.payload(), replies::add);
      check(replies.size() == 1, replies.size() + " replies to one request");
      ByteBuffer reply = ByteBuffer.wrap(NbdWire.bytes(replies.get(0)));
      int error = TransmissionReplyCheck.read(reply, r.header(), structured, content);
      check(!reply.hasRemaining(), reply.remaining() + " bytes after the reply");
      if (error == 0) {
        checkEffect(r.header(), r.payload(), content);
      }
    }
    session.close();
    log.assertNoUnexpectedException();
    check(exports.misuses().isEmpty(), "volume misused: " + exports.misuses());
    check(exports.openHandles() == 0, "the volume handle was not released");
  }

  /** What a successful change must have left on the volume. */
  private static void checkEffect(
      NbdRequest r, byte[] payload, TransmissionReplyCheck.Content content) {
    NbdCommand command = r.command();
    if (command == NbdCommand.WRITE) {
      check(payload != null, "a WRITE whose payload was skipped succeeded");
      check(Arrays.equals(content.read(r.offset(), payload.length), payload), "WRITE did not land");
    } else if (command == NbdCommand.TRIM || command == NbdCommand.WRITE_ZEROES) {
      check(content.isZero(r.offset(), r.length()), command + " left data behind");
    }
  }
}
