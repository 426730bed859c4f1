package io.granary.appliance.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pin is the whole trust decision: the pinned certificate is accepted though no CA signed it
 * and it names another host; any other certificate is refused with both fingerprints.
 */
class PinnedTrustManagerTest {
  @TempDir static Path tmp;

  private static TestKeyStore a;
  private static TestKeyStore b;

  @BeforeAll
  static void keyStores() throws Exception {
    // Neither names 127.0.0.1, where the handshakes below connect: no host name check may run.
    a = TestKeyStore.create(tmp.resolve("a.p12"), "peer-a.invalid");
    b = TestKeyStore.create(tmp.resolve("b.p12"), "peer-b.invalid");
  }

  @Test
  void acceptsThePinnedCertificateAndRefusesAnother() throws Exception {
    X509Certificate certA = a.certificate();
    X509Certificate certB = b.certificate();
    PinnedTrustManager pinnedToA = new PinnedTrustManager(Fingerprint.of(certA));
    pinnedToA.checkServerTrusted(new X509Certificate[] {certA}, "ECDHE_ECDSA");
    CertificateChangedException e =
        assertThrows(
            CertificateChangedException.class,
            () -> pinnedToA.checkServerTrusted(new X509Certificate[] {certB}, "ECDHE_ECDSA"));
    assertEquals(Fingerprint.of(certA), e.pinned());
    assertEquals(Fingerprint.parse(b.keytoolFingerprint()), e.presented());
    assertThrows(
        CertificateException.class,
        () -> pinnedToA.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA"));
    assertThrows(
        CertificateException.class,
        () -> pinnedToA.checkClientTrusted(new X509Certificate[] {certA}, "ECDHE_ECDSA"));
  }

  @Test
  void aRealHandshakeSucceedsOnlyWithThePinnedCertificate() throws Exception {
    Fingerprint pinA = Fingerprint.of(a.certificate());
    handshake(a, pinA); // no exception: trusted on the pin alone
    SSLException e = assertThrows(SSLException.class, () -> handshake(b, pinA));
    CertificateChangedException changed = causeOf(e);
    assertEquals(pinA, changed.pinned());
    assertEquals(Fingerprint.of(b.certificate()), changed.presented());
  }

  /** A TLS handshake from a client pinned to {@code pin} to a server presenting {@code ks}. */
  private static void handshake(TestKeyStore ks, Fingerprint pin) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket server =
        (SSLServerSocket)
            ks.serverContext().getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                  s.startHandshake();
                } catch (Exception ignored) {
                  // the client's refusal ends the handshake here too
                }
              });
      try (SSLSocket client =
          (SSLSocket)
              PinnedTrustManager.context(pin)
                  .getSocketFactory()
                  .createSocket("127.0.0.1", server.getLocalPort())) {
        // What the HTTP client asks of every connection: the host name checked.
        var params = client.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(params);
        client.startHandshake();
      } finally {
        accepted.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static CertificateChangedException causeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateChangedException changed) {
        return changed;
      }
    }
    throw new AssertionError("no CertificateChangedException in the causes", t);
  }
}
