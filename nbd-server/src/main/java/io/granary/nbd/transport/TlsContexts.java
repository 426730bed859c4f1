package io.granary.nbd.transport;

import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;

/** Builds the server's TLS context from PEM files, once, at start. */
final class TlsContexts {
  private TlsContexts() {}

  /** The context, or {@code null} with TLS off. */
  static SslContext build(TlsSettings settings) throws IOException {
    if (settings.mode() == TlsMode.OFF) {
      return null;
    }
    try {
      SslContextBuilder b =
          SslContextBuilder.forServer(
                  settings.certificate().toFile(), settings.privateKey().toFile())
              .sslProvider(SslProvider.JDK)
              .protocols("TLSv1.3", "TLSv1.2");
      if (settings.clientCa() != null) {
        // REQUIRE: a client without a certificate signed by the CA fails the handshake.
        // OPTIONAL: it goes on unauthenticated; rules with subjects refuse it what they name.
        b.trustManager(settings.clientCa().toFile())
            .clientAuth(settings.verifyPeer() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot load the NBD TLS certificate "
              + settings.certificate()
              + " and key "
              + settings.privateKey()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
