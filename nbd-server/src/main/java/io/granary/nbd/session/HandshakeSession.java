package io.granary.nbd.session;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.HandshakeFlags;
import io.granary.nbd.protocol.MalformedOption;
import io.granary.nbd.protocol.NbdOption;
import io.granary.nbd.protocol.OptionReplies;
import io.granary.nbd.protocol.OptionReplyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The option phase of one connection: takes decoded options one at a time and says what to
 * send and what comes next. No I/O of its own; the transport moves the bytes.
 */
public final class HandshakeSession {
  private static final Logger LOG = Logger.getLogger(HandshakeSession.class.getName());
  private static final Map<NbdOption, OptionHandler> HANDLERS = new EnumMap<>(NbdOption.class);

  static {
    HANDLERS.put(NbdOption.EXPORT_NAME, new ExportNameOption());
    HANDLERS.put(NbdOption.ABORT, new AbortOption());
    HANDLERS.put(NbdOption.LIST, new ListOption());
    HANDLERS.put(NbdOption.STARTTLS, new StartTlsOption());
    HANDLERS.put(NbdOption.INFO, new InfoOption(false));
    HANDLERS.put(NbdOption.GO, new InfoOption(true));
    HANDLERS.put(NbdOption.STRUCTURED_REPLY, new StructuredReplyOption());
    HANDLERS.put(NbdOption.LIST_META_CONTEXT, new MetaContextOption(true));
    HANDLERS.put(NbdOption.SET_META_CONTEXT, new MetaContextOption(false));
  }

  private static final OptionHandler UNSUPPORTED = new UnsupportedOption();

  private final HandshakeState state;

  public HandshakeSession(
      ExportCatalog catalog,
      AccessPolicy access,
      TlsMode tlsMode,
      ClientIdentity client,
      int clientFlags) {
    this.state =
        new HandshakeState(
            catalog, access, tlsMode, client, (clientFlags & HandshakeFlags.C_NO_ZEROES) != 0);
  }

  /**
   * Serves one option. {@code data} is {@code null} when the client sent more than
   * {@link Limits#MAX_OPTION_DATA} bytes, which the transport has already skipped.
   */
  public OptionOutcome handle(int option, ByteBuffer data) {
    NbdOption known = NbdOption.fromCode(option);
    OptionHandler handler = known == null ? UNSUPPORTED : HANDLERS.getOrDefault(known, UNSUPPORTED);
    if (data == null) {
      if (known == NbdOption.EXPORT_NAME) {
        return OptionOutcome.close();
      }
      return handler == UNSUPPORTED
          ? UnsupportedOption.reply(option)
          : OptionOutcome.reply(
              OptionReplies.error(
                  option,
                  OptionReplyType.ERR_TOO_BIG,
                  "option data longer than " + Limits.MAX_OPTION_DATA + " bytes"));
    }
    try {
      return handler.handle(state, option, data);
    } catch (MalformedOption e) {
      if (known == NbdOption.EXPORT_NAME) {
        return OptionOutcome.close();
      }
      return OptionOutcome.reply(
          OptionReplies.error(option, OptionReplyType.ERR_INVALID, e.getMessage()));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "option " + option + " from " + state.client + " failed", e);
      if (known == NbdOption.EXPORT_NAME) {
        return OptionOutcome.close();
      }
      return OptionOutcome.reply(
          OptionReplies.error(
              option, OptionReplyType.ERR_INVALID, "server error: " + e.getMessage()));
    }
  }

  /** Called by the transport once the TLS handshake after STARTTLS completed. */
  public void tlsEstablished(String certificateSubject) {
    state.tlsEstablished(certificateSubject);
  }

  public ClientIdentity client() {
    return state.client;
  }
}
