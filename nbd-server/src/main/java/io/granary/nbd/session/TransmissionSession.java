package io.granary.nbd.session;

import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.protocol.CommandFlag;
import io.granary.nbd.protocol.ExportTerms;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdError;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.protocol.RequestValidator;
import io.granary.nbd.protocol.TransmissionFlag;
import io.granary.nbd.protocol.TransmissionReplies;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transmission phase of one connection: receive → validate → handle → reply, for one
 * request at a time per call. Calls may run concurrently on I/O threads; the volume is
 * thread-safe and each reply goes out whole.
 */
public final class TransmissionSession {
  private static final Logger LOG = Logger.getLogger(TransmissionSession.class.getName());

  private final ExportInfo export;
  private final Volume volume;
  private final ExportTerms terms;
  private final List<ContextMap> metaContexts;
  private final String client;

  public TransmissionSession(OptionOutcome.Transmission t, String client) {
    this.export = t.export();
    this.volume = t.volume();
    // FAST_ZERO is valid exactly when it was advertised: the same table decides both.
    this.terms =
        new ExportTerms(
            t.export().size(),
            t.export().readOnly(),
            t.structuredReplies(),
            t.blockStatus(),
            ExportFlags.of(t.export(), t.structuredReplies())
                .contains(TransmissionFlag.SEND_FAST_ZERO),
            Limits.MAX_PAYLOAD);
    this.metaContexts = t.metaContexts();
    this.client = client;
  }

  public ExportInfo export() {
    return export;
  }

  /**
   * Serves one request whose payload (WRITE only) is in {@code payload}. Never throws: every
   * failure becomes the error reply the protocol defines.
   */
  public void serve(NbdRequest request, byte[] payload, ReplySink sink) {
    NbdError invalid = RequestValidator.check(request, terms);
    if (invalid != null) {
      sink.send(error(request, invalid, "request refused: " + invalid));
      return;
    }
    NbdCommand command = request.command();
    try {
      sink.send(handle(command, request, payload));
    } catch (Throwable t) {
      fail(command, request, t, sink);
    }
  }

  /**
   * Serves a READ, or a WRITE without FUA, if that needs no waiting beyond what a read from
   * memory takes: a write goes to the volume only if it can be written at once ({@code
   * Volume.tryWrite}). Returns false, having done nothing, when the request must be served by
   * {@link #serve} instead; true when it is answered. Never throws.
   */
  public boolean serveWithoutWaiting(NbdRequest request, byte[] payload, ReplySink sink) {
    NbdCommand command = request.command();
    if (command == NbdCommand.READ || RequestValidator.check(request, terms) != null) {
      serve(request, payload, sink); // a read, or a refusal: neither waits for the volume
      return true;
    }
    if (command != NbdCommand.WRITE || request.has(CommandFlag.FUA)) {
      return false; // a flush, an FUA write, the rest: they wait for the disk or may
    }
    try {
      int length = (int) request.length();
      if (length > 0 && !volume.tryWrite(request.offset(), payload, 0, length)) {
        return false;
      }
      sink.send(done(request));
    } catch (Throwable t) {
      fail(command, request, t, sink);
    }
    return true;
  }

  /** Logs a failed request and sends the error reply the protocol defines for it. */
  private void fail(NbdCommand command, NbdRequest request, Throwable t, ReplySink sink) {
    NbdError e = NbdErrors.of(t, command);
    Level level =
        t instanceof VolumeException v
                && (v.kind() == VolumeException.Kind.NO_SPACE
                    || v.kind() == VolumeException.Kind.OVER_PROVISIONED
                    || v.kind() == VolumeException.Kind.OUT_OF_RANGE)
            ? Level.INFO
            : Level.WARNING;
    LOG.log(
        level,
        command
            + " at "
            + request.offset()
            + "+"
            + request.length()
            + " on "
            + export.name()
            + " from "
            + client
            + " failed: "
            + e,
        t);
    sink.send(error(request, e, String.valueOf(t.getMessage())));
  }

  private ByteBuffer[] handle(NbdCommand command, NbdRequest r, byte[] payload) throws IOException {
    boolean fua = r.has(CommandFlag.FUA);
    int length = (int) Math.min(r.length(), Integer.MAX_VALUE);
    switch (command) {
      case READ -> {
        return terms.structuredReplies()
            ? ReadReply.structured(volume, r.cookie(), r.offset(), length, !r.has(CommandFlag.DF))
            : ReadReply.simple(volume, r.cookie(), r.offset(), length);
      }
      case WRITE -> {
        if (length > 0) {
          volume.write(r.offset(), payload, 0, length, fua);
        }
      }
      case FLUSH -> volume.flush();
      case TRIM -> {
        if (r.length() > 0) {
          volume.trim(r.offset(), r.length(), fua);
        }
      }
      case WRITE_ZEROES -> {
        // Zeroes are never stored in this store, so NO_HOLE and plain zeroing are the same
        // map update, and FAST_ZERO is always honoured.
        if (r.length() > 0) {
          volume.writeZeroes(r.offset(), r.length(), fua);
        }
      }
      case BLOCK_STATUS -> {
        return BlockStatusReply.encode(
            r.cookie(), r.offset(), r.length(), metaContexts, r.has(CommandFlag.REQ_ONE));
      }
      case CACHE -> {
        // A hint: the store has no cache of its own to warm beyond what reads already use.
      }
      default -> throw new IllegalStateException("not a transmission command here: " + command);
    }
    return done(r);
  }

  /** The reply of a request that succeeded without data: a simple reply without error. */
  private static ByteBuffer[] done(NbdRequest r) {
    return new ByteBuffer[] {TransmissionReplies.simple(r.cookie(), null)};
  }

  /** Structured replies make every READ reply structured; other errors may stay simple. */
  private ByteBuffer error(NbdRequest request, NbdError error, String message) {
    boolean structured =
        terms.structuredReplies()
            && (request.type() == NbdCommand.READ.code()
                || request.type() == NbdCommand.BLOCK_STATUS.code());
    return structured
        ? TransmissionReplies.error(request.cookie(), error, message)
        : TransmissionReplies.simple(request.cookie(), error);
  }

  /** Releases the volume handle; the volume itself stays open for other connections. */
  public void close() {
    try {
      volume.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "closing " + export.name() + " for " + client, e);
    }
  }
}
