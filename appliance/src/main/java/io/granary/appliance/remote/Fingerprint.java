package io.granary.appliance.remote;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A certificate's identity: the SHA-256 of its DER encoding, written {@code SHA256:<64 hex>}
 * in lower case. {@link #parse} also takes what {@code openssl x509 -fingerprint -sha256} and
 * {@code keytool -list -v} print (upper case, colons), so an administrator can paste the peer's
 * own answer.
 *
 * @param hex the 64 lower-case hex digits
 */
public record Fingerprint(String hex) {
  private static final String PREFIX = "SHA256:";
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public Fingerprint {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("a fingerprint has 64 hex digits, not '" + hex + "'");
    }
  }

  /** The fingerprint of {@code certificate}. */
  public static Fingerprint of(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return new Fingerprint(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      // Every JDK has SHA-256, and a certificate that came off the wire has its encoding.
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code SHA256:} and 64 hex digits, in either case, with or without colons between the bytes.
   *
   * @throws IllegalArgumentException when {@code text} is anything else
   */
  public static Fingerprint parse(String text) {
    String t = text == null ? "" : text.strip();
    if (!t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalArgumentException(
          "a fingerprint reads SHA256:<64 hex digits>, not '" + text + "'");
    }
    String hex = t.substring(PREFIX.length()).strip().replace(":", "").toLowerCase(Locale.ROOT);
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "a fingerprint reads SHA256:<64 hex digits>, not '" + text + "'");
    }
    return new Fingerprint(hex);
  }

  @Override
  public String toString() {
    return PREFIX + hex;
  }
}
