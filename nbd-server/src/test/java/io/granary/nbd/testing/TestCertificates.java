package io.granary.nbd.testing;

import io.granary.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway x509 setup made with the openssl command line: a CA, a server certificate for
 * {@code localhost} / {@code 127.0.0.1}, and client certificates signed by the same CA. Keys are
 * EC P-256 in PKCS#8 PEM, which both Netty and GnuTLS read. Client directories follow the
 * GnuTLS layout libnbd and QEMU expect: {@code ca-cert.pem}, {@code client-cert.pem},
 * {@code client-key.pem}.
 */
public final class TestCertificates {
  /** The subject of {@link #client}'s certificate, as Java's X500Principal.getName() prints it. */
  public static final String CLIENT_SUBJECT = "CN=client1,O=Granary";

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA, the server certificate and one client certificate in {@code dir}. */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    ExternalTool.require("openssl");
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-noenc",
        "-keyout",
        c.file("ca-key.pem"),
        "-out",
        c.file("ca-cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=Granary test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    c.issue(
        "server",
        "/CN=localhost",
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    c.issue("client1", "/O=Granary/CN=client1", "extendedKeyUsage=clientAuth\n");
    return c;
  }

  public Path caCertificate() {
    return dir.resolve("ca-cert.pem");
  }

  public Path serverCertificate() {
    return dir.resolve("server-cert.pem");
  }

  public Path serverKey() {
    return dir.resolve("server-key.pem");
  }

  /** A client directory with the CA and {@code client1}'s certificate and key. */
  public Path client() throws IOException {
    Path d = Files.createDirectories(dir.resolve("client1"));
    copy(caCertificate(), d.resolve("ca-cert.pem"));
    copy(dir.resolve("client1-cert.pem"), d.resolve("client-cert.pem"));
    copy(dir.resolve("client1-key.pem"), d.resolve("client-key.pem"));
    return d;
  }

  /** A client directory with only the CA: the client checks the server but has no certificate. */
  public Path anonymousClient() throws IOException {
    Path d = Files.createDirectories(dir.resolve("anonymous"));
    copy(caCertificate(), d.resolve("ca-cert.pem"));
    return d;
  }

  /**
   * A client directory with the CA (to check the server) and a certificate for {@code
   * client1}'s very subject issued by another CA: a server that verifies peers refuses it.
   */
  public Path foreignClient() throws IOException, InterruptedException {
    TestCertificates other = create(dir.resolve("other-ca"));
    Path d = Files.createDirectories(dir.resolve("foreign"));
    copy(caCertificate(), d.resolve("ca-cert.pem"));
    copy(other.dir.resolve("client1-cert.pem"), d.resolve("client-cert.pem"));
    copy(other.dir.resolve("client1-key.pem"), d.resolve("client-key.pem"));
    return d;
  }

  /** A client directory with the CA and a self-signed certificate for {@code client1}'s subject. */
  public Path selfSignedClient() throws IOException, InterruptedException {
    Path d = Files.createDirectories(dir.resolve("self-signed"));
    copy(caCertificate(), d.resolve("ca-cert.pem"));
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-noenc",
        "-keyout",
        d.resolve("client-key.pem").toString(),
        "-out",
        d.resolve("client-cert.pem").toString(),
        "-days",
        "2",
        "-subj",
        "/O=Granary/CN=client1",
        "-addext",
        "extendedKeyUsage=clientAuth");
    return d;
  }

  private void issue(String name, String subject, String extensions)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-noenc",
        "-keyout",
        file(name + "-key.pem"),
        "-out",
        file(name + ".csr"),
        "-subj",
        subject);
    openssl(
        "x509",
        "-req",
        "-in",
        file(name + ".csr"),
        "-CA",
        file("ca-cert.pem"),
        "-CAkey",
        file("ca-key.pem"),
        "-CAcreateserial",
        "-CAserial",
        file("ca.srl"),
        "-out",
        file(name + "-cert.pem"),
        "-days",
        "2",
        "-extfile",
        file(name + ".ext"));
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    ExternalTool.run(60, cmd).ok();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }
}
