package io.granary.appliance.remote;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager for granaryd's own outgoing connections: it judges the server's leaf
 * certificate ({@link #checkLeaf}) and nothing else, and trusts no client.
 *
 * <p>Design note: it extends {@link X509ExtendedTrustManager} on purpose. The JDK wraps a plain
 * {@code X509TrustManager} in one that adds the endpoint identification the HTTP client asks for
 * (the host name check); an extended one is trusted to do its own checks, which are its
 * subclass's. The socket and engine variants only forward, so every path is judged alike.
 */
abstract class ServerCertificateCheck extends X509ExtendedTrustManager {

  /** Accepts the server whose chain starts with {@code leaf}, or throws. */
  abstract void checkLeaf(X509Certificate leaf) throws CertificateException;

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer presented no certificate");
    }
    checkLeaf(chain[0]);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("granaryd accepts no TLS clients with this trust manager");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public final X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
