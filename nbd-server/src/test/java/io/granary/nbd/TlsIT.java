package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.listed;
import static io.granary.nbd.testing.NbdClients.run;
import static io.granary.nbd.testing.NbdClients.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import io.granary.nbd.testing.TestCertificates;
import io.granary.nbd.testing.TestExports;
import io.granary.snapshots.api.Volume;
import io.granary.testing.ExternalTool;
import io.granary.testing.TestData;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS with x509 certificates made by openssl, against libnbd (GnuTLS) and QEMU: in
 * REQUIRED mode plain clients get nothing and TLS clients read the data; in OPTIONAL mode both
 * are served; with peers verified, only clients with a certificate from the client CA.
 */
class TlsIT {
  private static final int SIZE = 4 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private TestExports exports;
  private TestCertificates certs;
  private Path data;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("openssl", "nbdinfo", "nbdcopy");
    certs = TestCertificates.create(tmp.resolve("pki"));
    exports = new TestExports(tmp.resolve("pool"));
    exports.create("vol", SIZE);
    byte[] bytes = TestData.random(11, SIZE);
    try (Volume v = exports.volumes().open("vol")) {
      v.write(0, bytes, 0, SIZE, true);
    }
    data = Files.write(tmp.resolve("data.raw"), bytes);
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  private NbdServer serve(TlsMode mode) throws Exception {
    return serve(mode, false);
  }

  private NbdServer serve(TlsMode mode, boolean verifyPeer) throws Exception {
    return exports.serve(
        NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0))
            .withTls(
                new TlsSettings(
                    mode,
                    certs.serverCertificate(),
                    certs.serverKey(),
                    certs.caCertificate(),
                    verifyPeer)));
  }

  /**
   * With peers verified, a TLS client without a certificate from the client CA (none, one from
   * another CA for the same subject, a self-signed one) fails the TLS handshake: it lists
   * nothing and opens nothing. The CA's client is served, by libnbd and by QEMU.
   */
  @Test
  void verifiedPeersNeedACertificateFromTheClientCa() throws Exception {
    ExternalTool.require("qemu-img");
    NbdServer server = serve(TlsMode.REQUIRED, true);
    String list = "nbds://127.0.0.1:" + TestExports.port(server) + "?tls-certificates=";
    for (Path client :
        List.of(certs.anonymousClient(), certs.foreignClient(), certs.selfSignedClient())) {
      ExternalTool.Result listed = run("nbdinfo", "--list", list + client);
      assertTrue(listed.exit() != 0, client + " listed: " + listed.stdout());
      // nbdinfo prints the protocol once the handshake is through: it never was.
      assertFalse(listed.stdout().contains("protocol:"), listed.stdout());
      assertFalse(listed.stderr().isBlank(), "an error, not silence");
      ExternalTool.Result read = run("nbdcopy", tlsUri(server, "test/vol", client), "-");
      assertTrue(read.exit() != 0, client + " read the export");
    }
    assertTrue(
        listed(run("nbdinfo", "--list", list + certs.client()).ok().stdout()).contains("test/vol"));
    assertEquals(sha256(data), sha256(copyOut(tlsUri(server, "test/vol", certs.client()))));
    for (Path client : List.of(certs.client(), certs.anonymousClient())) {
      ExternalTool.Result info =
          run(
              "qemu-img",
              "info",
              "--object",
              "tls-creds-x509,id=tls0,endpoint=client,dir=" + client,
              "--image-opts",
              "driver=nbd,host=127.0.0.1,port="
                  + TestExports.port(server)
                  + ",export=test/vol,tls-creds=tls0");
      assertEquals(client.equals(certs.client()), info.exit() == 0, client + ": " + info);
    }
  }

  @Test
  void requiredTlsServesNothingInTheClearAndEverythingOverTls() throws Exception {
    NbdServer server = serve(TlsMode.REQUIRED);
    String plain = "nbd://127.0.0.1:" + TestExports.port(server);

    // LIBNBD_DEBUG shows the server's message with its NBD_REP_ERR_TLS_REQD.
    ExternalTool.Result list = run("env", "LIBNBD_DEBUG=1", "nbdinfo", "--list", plain);
    assertTrue(list.exit() != 0 || listed(list.stdout()).isEmpty(), "plain list: " + list);
    assertTrue(list.stderr().contains("this server requires TLS"), list.stderr());
    ExternalTool.Result open = run("env", "LIBNBD_DEBUG=1", "nbdinfo", plain + "/test/vol");
    assertTrue(open.exit() != 0, "plain open: " + open);
    assertTrue(open.stderr().contains("this server requires TLS"), open.stderr());

    String tls = tlsUri(server, "test/vol", certs.client());
    JsonNode info = JSON.readTree(run("nbdinfo", "--json", tls).ok().stdout());
    assertTrue(info.get("TLS").asBoolean(), info.toString());
    assertEquals(SIZE, info.get("exports").get(0).get("export-size").asLong());
    assertEquals(sha256(data), sha256(copyOut(tls)), "the data read over TLS");
  }

  @Test
  void requiredTlsListsExportsToATlsClient() throws Exception {
    NbdServer server = serve(TlsMode.REQUIRED);

    String out =
        run(
                "nbdinfo",
                "--list",
                "nbds://127.0.0.1:"
                    + TestExports.port(server)
                    + "?tls-certificates="
                    + certs.anonymousClient())
            .ok()
            .stdout();
    assertEquals(List.of("test/vol"), listed(out), out);
    assertTrue(out.contains("with TLS"), out);
  }

  @Test
  void optionalTlsServesPlainAndTlsClients() throws Exception {
    NbdServer server = serve(TlsMode.OPTIONAL);

    JsonNode plain =
        JSON.readTree(run("nbdinfo", "--json", TestExports.uri(server, "test/vol")).ok().stdout());
    assertFalse(plain.get("TLS").asBoolean(), plain.toString());
    String tls = tlsUri(server, "test/vol", certs.anonymousClient());
    JsonNode secure = JSON.readTree(run("nbdinfo", "--json", tls).ok().stdout());
    assertTrue(secure.get("TLS").asBoolean(), secure.toString());
    assertEquals(sha256(data), sha256(copyOut(tls)));
  }

  @Test
  void qemuImgComparesOverTls() throws Exception {
    ExternalTool.require("qemu-img");
    NbdServer server = serve(TlsMode.REQUIRED);
    String tlsObject = "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs.client();
    String nbd =
        "driver=nbd,host=127.0.0.1,port="
            + TestExports.port(server)
            + ",export=test/vol,tls-creds=tls0";

    ExternalTool.Result info =
        run("qemu-img", "info", "--object", tlsObject, "--image-opts", nbd).ok();
    assertTrue(info.stdout().contains("(" + SIZE + " bytes)"), info.stdout());
    ExternalTool.Result same =
        run(
            "qemu-img",
            "compare",
            "--object",
            tlsObject,
            "--image-opts",
            "driver=raw,file.driver=file,file.filename=" + data,
            nbd);
    assertEquals(0, same.exit(), same.stdout() + same.stderr());
  }

  private static String tlsUri(NbdServer server, String export, Path clientDir) {
    return "nbds://127.0.0.1:"
        + TestExports.port(server)
        + "/"
        + export
        + "?tls-certificates="
        + clientDir;
  }

  private Path copyOut(String uri) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".raw");
    run("nbdcopy", uri, out.toString()).ok();
    return out;
  }
}
