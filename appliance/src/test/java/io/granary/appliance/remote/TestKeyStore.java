package io.granary.appliance.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A PKCS#12 key store that keytool makes for a test's TLS listener (a self-signed EC key), and
 * the SHA-256 fingerprint keytool itself prints for its certificate: the tests compare {@link
 * Fingerprint} with a tool that computed it independently.
 */
public final class TestKeyStore {
  public static final String PASSWORD = "secret123";

  public final Path path;

  private TestKeyStore(Path path) {
    this.path = path;
  }

  /** A new key pair and certificate for {@code commonName}, valid for 127.0.0.1 too. */
  public static TestKeyStore create(Path path, String commonName) throws Exception {
    keytool(
        "-genkeypair",
        "-keystore",
        path.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-alias",
        "granary",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + commonName,
        "-validity",
        "2");
    return new TestKeyStore(path);
  }

  /** The fingerprint as keytool prints it: {@code SHA256:AB:CD:...}. */
  public String keytoolFingerprint() throws Exception {
    String listing = keytool("-list", "-v", "-keystore", path.toString(), "-storepass", PASSWORD);
    Matcher m = Pattern.compile("SHA256: *([0-9A-F:]{95})").matcher(listing);
    if (!m.find()) {
      throw new AssertionError("no SHA256 fingerprint in keytool's listing:\n" + listing);
    }
    return "SHA256:" + m.group(1);
  }

  public X509Certificate certificate() throws Exception {
    return (X509Certificate) load().getCertificate("granary");
  }

  /** A server-side TLS context presenting this certificate. */
  public SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(), PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }

  private KeyStore load() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  private static String keytool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "keytool failed:\n" + out);
    return out;
  }
}
