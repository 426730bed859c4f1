package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.describe;
import static io.granary.nbd.testing.NbdClients.listed;
import static io.granary.nbd.testing.NbdClients.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.AccessRule;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.api.TlsSettings;
import io.granary.nbd.testing.TestCertificates;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.ExternalTool;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access rules as a real client meets them: an export a rule keeps from this client is neither
 * listed nor opened, while the exports no rule names stay open; rules admit by network, by Unix
 * socket and by the subject of a TLS client certificate.
 */
class AccessRulesIT {
  private static final String SECRETS = "test/secret*";

  @TempDir Path tmp;
  private TestExports exports;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("nbdinfo");
    exports = new TestExports(tmp.resolve("pool"));
    exports.create("secret1", 1 << 20);
    exports.create("open1", 1 << 20);
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  private NbdServer serve(AccessRule... rules) throws Exception {
    return exports.serve(tcp().withAccess(List.of(rules)));
  }

  private static NbdServerConfig tcp() {
    return NbdServerConfig.tcp(new InetSocketAddress("127.0.0.1", 0));
  }

  @Test
  void anotherNetworksExportIsHiddenAndRefused() throws Exception {
    NbdServer server = serve(new AccessRule(SECRETS, List.of("10.0.0.0/8"), List.of()));

    assertEquals(List.of("test/open1"), list("nbd://127.0.0.1:" + TestExports.port(server)));
    assertRefused(TestExports.uri(server, "test/secret1"));
    assertEquals(
        1 << 20, describe(TestExports.uri(server, "test/open1")).get("export-size").asLong());
  }

  @Test
  void aRuleForLoopbackLetsItIn() throws Exception {
    NbdServer server =
        serve(
            new AccessRule(SECRETS, List.of("10.0.0.0/8"), List.of()),
            new AccessRule(SECRETS, List.of("127.0.0.0/8"), List.of()));

    assertEquals(
        List.of("test/open1", "test/secret1"), list("nbd://127.0.0.1:" + TestExports.port(server)));
    assertEquals(
        1 << 20, describe(TestExports.uri(server, "test/secret1")).get("export-size").asLong());
  }

  @Test
  void aUnixRuleAdmitsTheSocketButNotTcp() throws Exception {
    Path socket = tmp.resolve("nbd.sock");
    NbdServer server =
        exports.serve(
            tcp()
                .withUnixSocket(socket)
                .withAccess(List.of(new AccessRule(SECRETS, List.of("unix"), List.of()))));

    assertRefused(TestExports.uri(server, "test/secret1"));
    assertEquals(
        1 << 20, describe("nbd+unix:///test/secret1?socket=" + socket).get("export-size").asLong());
  }

  /** Peers not verified (tls-verify-peer = false): clients without a certificate come in. */
  @Test
  void aSubjectRuleAdmitsOnlyTheClientWithThatCertificate() throws Exception {
    TestCertificates certs = TestCertificates.create(tmp.resolve("pki"));
    NbdServer server =
        exports.serve(
            tcp()
                .withTls(
                    new TlsSettings(
                        TlsMode.REQUIRED,
                        certs.serverCertificate(),
                        certs.serverKey(),
                        certs.caCertificate(),
                        false))
                .withAccess(
                    List.of(
                        new AccessRule(
                            SECRETS, List.of(), List.of(TestCertificates.CLIENT_SUBJECT)))));
    String base = "nbds://127.0.0.1:" + TestExports.port(server);
    String withCert = "?tls-certificates=" + certs.client();
    String withoutCert = "?tls-certificates=" + certs.anonymousClient();

    assertEquals(List.of("test/open1", "test/secret1"), list(base + withCert));
    assertEquals(1 << 20, describe(base + "/test/secret1" + withCert).get("export-size").asLong());

    assertEquals(List.of("test/open1"), list(base + withoutCert));
    assertRefused(base + "/test/secret1" + withoutCert);
    assertEquals(1 << 20, describe(base + "/test/open1" + withoutCert).get("export-size").asLong());
  }

  private static List<String> list(String uri) throws Exception {
    return listed(run("nbdinfo", "--list", uri).ok().stdout()).stream().sorted().toList();
  }

  /**
   * Refused by policy, not unknown: libnbd 1.14 reports both errors as ENOTSUP, but its debug
   * output carries the server's NBD_REP_ERR_POLICY message.
   */
  private static void assertRefused(String uri) throws Exception {
    ExternalTool.Result r = run("env", "LIBNBD_DEBUG=1", "nbdinfo", uri);
    assertNotEquals(0, r.exit(), uri + " opened: " + r.stdout());
    assertTrue(r.stderr().contains("is not allowed for this client"), r.stderr());
  }
}
