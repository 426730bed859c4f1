package io.granary.appliance.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Trust on first use: the fingerprint of the certificate a peer presents, learnt from one TLS
 * handshake that accepts any certificate. Nothing is sent over that connection, the token least
 * of all: the token goes only to the certificate this learnt, through a {@link RemoteClient}
 * pinned to it.
 */
final class PeerCertificate {
  private PeerCertificate() {}

  /** The fingerprint of the leaf certificate {@code name} presents at {@code url}. */
  static Fingerprint fetch(String name, URI url, Duration timeout) throws RemoteException {
    Recorder recorder = new Recorder();
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {recorder}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
    try (Socket raw = new Socket()) {
      try {
        raw.connect(new InetSocketAddress(url.getHost(), url.getPort()), (int) timeout.toMillis());
      } catch (SocketTimeoutException e) {
        throw RemoteFailures.noConnection(name, url, timeout, e);
      }
      raw.setSoTimeout((int) timeout.toMillis());
      // Layered with the host name so that a peer behind a name gets its SNI.
      try (SSLSocket s =
          (SSLSocket)
              tls.getSocketFactory().createSocket(raw, url.getHost(), url.getPort(), true)) {
        s.startHandshake();
      }
    } catch (RemoteException e) {
      throw e;
    } catch (IOException e) {
      throw RemoteFailures.transport(name, url, e, timeout, timeout);
    }
    if (recorder.leaf == null) {
      throw new RemoteException(
          RemoteException.Kind.UNREACHABLE,
          "cannot reach " + name + " at " + url + ": it presented no certificate");
    }
    return Fingerprint.of(recorder.leaf);
  }

  /** Accepts any server and keeps its leaf certificate (no host name check either). */
  private static final class Recorder extends ServerCertificateCheck {
    private volatile X509Certificate leaf;

    @Override
    void checkLeaf(X509Certificate presented) {
      leaf = presented;
    }
  }
}
