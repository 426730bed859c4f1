package io.granary.nbd.api;

import java.nio.file.Path;

/**
 * x509 material for STARTTLS: a PEM certificate chain and its PKCS#8 PEM key. With {@code
 * clientCa} set, clients are asked for a certificate signed by it, and its subject can be
 * matched by access rules. With {@code verifyPeer} (which needs {@code clientCa}), a TLS client
 * without such a certificate fails the TLS handshake, before any option (as nbdkit's {@code
 * --tls-verify-peer} and qemu's {@code verify-peer=on}); without it, such a client goes on and
 * only rules naming subjects keep it out.
 */
public record TlsSettings(
    TlsMode mode, Path certificate, Path privateKey, Path clientCa, boolean verifyPeer) {
  public static final TlsSettings OFF = new TlsSettings(TlsMode.OFF, null, null, null, false);

  public TlsSettings {
    if (mode != TlsMode.OFF && (certificate == null || privateKey == null)) {
      throw new IllegalArgumentException("TLS mode " + mode + " needs a certificate and a key");
    }
    if (verifyPeer && clientCa == null) {
      throw new IllegalArgumentException("verifying clients' certificates needs a client CA");
    }
  }
}
