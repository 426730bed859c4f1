package io.granary.appliance.remote;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Trusts a server iff the SHA-256 of its leaf certificate is the pinned fingerprint: no CA, no
 * expiry, no host name. The pin is the peer's identity, as an SSH host key is; a peer is usually
 * reached by an address its self-signed certificate does not name ({@link ServerCertificateCheck}
 * says why no host name check gets in). It trusts no client: granaryd only ever connects out
 * with it.
 */
final class PinnedTrustManager extends ServerCertificateCheck {
  private final Fingerprint pin;

  PinnedTrustManager(Fingerprint pin) {
    this.pin = pin;
  }

  /** A TLS context whose only trust decision is {@code pin}. */
  static SSLContext context(Fingerprint pin) {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new PinnedTrustManager(pin)}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
  }

  @Override
  void checkLeaf(X509Certificate leaf) throws CertificateException {
    Fingerprint presented = Fingerprint.of(leaf);
    if (!presented.equals(pin)) {
      throw new CertificateChangedException(pin, presented);
    }
  }
}
