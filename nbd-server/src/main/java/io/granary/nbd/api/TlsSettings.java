package io.granary.nbd.api;

import java.nio.file.Path;

/**
 * x509 material for STARTTLS: a PEM certificate chain and its PKCS#8 PEM key. With
 * {@code clientCa} set, clients are asked for a certificate signed by it, and its subject
 * can be matched by access rules.
 */
public record TlsSettings(TlsMode mode, Path certificate, Path privateKey, Path clientCa) {
  public static final TlsSettings OFF = new TlsSettings(TlsMode.OFF, null, null, null);

  public TlsSettings {
    if (mode != TlsMode.OFF && (certificate == null || privateKey == null)) {
      throw new IllegalArgumentException("TLS mode " + mode + " needs a certificate and a key");
    }
  }
}
