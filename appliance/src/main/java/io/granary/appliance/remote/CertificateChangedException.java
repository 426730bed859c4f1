package io.granary.appliance.remote;

import java.security.cert.CertificateException;

/**
 * The peer presented a certificate other than the pinned one. Thrown by {@link
 * PinnedTrustManager} inside the TLS handshake, which the JDK wraps; {@link RemoteFailures} finds
 * it again in the cause chain to say both fingerprints.
 */
public final class CertificateChangedException extends CertificateException {
  private static final long serialVersionUID = 1L;
  private final Fingerprint pinned;
  private final Fingerprint presented;

  CertificateChangedException(Fingerprint pinned, Fingerprint presented) {
    super("pinned " + pinned + ", presented " + presented);
    this.pinned = pinned;
    this.presented = presented;
  }

  public Fingerprint pinned() {
    return pinned;
  }

  public Fingerprint presented() {
    return presented;
  }
}
