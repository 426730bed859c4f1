package io.granary.appliance.remote;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server iff the SHA-256 of its leaf certificate is the pinned fingerprint: no CA, no
 * expiry, no host name. The pin is the peer's identity, as an SSH host key is; a peer is usually
 * reached by an address its self-signed certificate does not name.
 *
 * <p>Design note: it extends {@link X509ExtendedTrustManager} on purpose. The JDK wraps a plain
 * {@code X509TrustManager} in one that adds the endpoint identification the HTTP client asks for
 * (the host name check); an extended one is trusted to do its own checks, which are these. It
 * trusts no client: granaryd only ever connects out with it.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
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
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer presented no certificate");
    }
    Fingerprint presented = Fingerprint.of(chain[0]);
    if (!presented.equals(pin)) {
      throw new CertificateChangedException(pin, presented);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("granaryd accepts no TLS clients with this trust manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
