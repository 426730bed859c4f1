package io.granary.nbd.session;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.TlsMode;
import java.util.List;

/** What one connection has negotiated so far in the option phase. Confined to its event loop. */
final class HandshakeState {
  final ExportCatalog catalog;
  final AccessPolicy access;
  final TlsMode tlsMode;
  ClientIdentity client;
  boolean noZeroes;
  boolean tls;
  boolean structuredReplies;

  /** The export of the last SET_META_CONTEXT that selected contexts, or null. */
  String metaContextExport;

  /** What that SET selected, in its order (ids from 1). */
  List<String> metaContexts = List.of();

  HandshakeState(
      ExportCatalog catalog,
      AccessPolicy access,
      TlsMode tlsMode,
      ClientIdentity client,
      boolean noZeroes) {
    this.catalog = catalog;
    this.access = access;
    this.tlsMode = tlsMode;
    this.client = client;
    this.noZeroes = noZeroes;
  }

  /** In FORCEDTLS mode nothing but STARTTLS and ABORT is served before TLS. */
  boolean tlsMissing() {
    return tlsMode == TlsMode.REQUIRED && !tls;
  }

  /** After STARTTLS the spec requires forgetting everything negotiated in the clear. */
  void tlsEstablished(String subject) {
    tls = true;
    client = client.withSubject(subject);
    structuredReplies = false;
    metaContextExport = null;
    metaContexts = List.of();
  }
}
