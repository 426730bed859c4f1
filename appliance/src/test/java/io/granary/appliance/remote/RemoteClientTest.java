package io.granary.appliance.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.granary.testing.FreePort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real HTTPS server in this JVM that checks the bearer token as granaryd
 * does (403 with a problem): calls stream both ways, and each way of failing reads as what it is.
 */
class RemoteClientTest {
  private static final String TOKEN = "0123456789abcdef-good-token";

  @TempDir static Path tmp;

  private static TestKeyStore served;
  private static TestKeyStore other;
  private static HttpsServer server;
  private static URI url;
  private static final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    served = TestKeyStore.create(tmp.resolve("served.p12"), "peer.invalid");
    other = TestKeyStore.create(tmp.resolve("other.p12"), "peer.invalid");
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(served.serverContext()));
    server.createContext("/", RemoteClientTest::answer);
    server.start();
    url = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange x) throws IOException {
    requests.incrementAndGet();
    try (x) {
      byte[] in = x.getRequestBody().readAllBytes();
      if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        reply(x, 403, "{\"status\":403,\"detail\":\"a valid bearer token is required\"}");
      } else if (x.getRequestURI().getPath().equals("/api/v1/status")) {
        reply(x, 200, "{\"version\":\"9.9.9\",\"pools\":1}");
      } else if (x.getRequestURI().getPath().equals("/echo")) {
        x.sendResponseHeaders(200, 0); // chunked: the answer streams too
        try (OutputStream out = x.getResponseBody()) {
          out.write(in);
        }
      } else {
        reply(x, 404, "{\"status\":404,\"detail\":\"no such resource: /nowhere\"}");
      }
    }
  }

  private static void reply(HttpExchange x, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/problem+json");
    x.sendResponseHeaders(status, body.length);
    x.getResponseBody().write(body);
  }

  private static Remote remote(TestKeyStore pinned) throws Exception {
    return new Remote("peer", url, Fingerprint.of(pinned.certificate()), 0, Instant.now());
  }

  @Test
  void streamsARequestBodyOutAndTheAnswerBack() throws Exception {
    byte[] payload = new byte[3 << 20];
    new Random(18).nextBytes(payload);
    RemoteClient client = new RemoteClient(remote(served), TOKEN);
    HttpResponse<InputStream> r =
        client.send(
            "POST",
            "/echo",
            BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(payload)),
            BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    try (InputStream in = r.body()) {
      assertArrayEquals(payload, in.readAllBytes());
    }
  }

  @Test
  void anotherCertificateIsRefusedWithBothFingerprints() throws Exception {
    RemoteClient client = new RemoteClient(remote(other), TOKEN);
    RemoteException e = assertThrows(RemoteException.class, () -> status(client));
    assertEquals(RemoteException.Kind.CERTIFICATE_CHANGED, e.kind());
    assertEquals(
        "certificate of peer changed: pinned "
            + Fingerprint.of(other.certificate())
            + ", presented "
            + Fingerprint.of(served.certificate()),
        e.getMessage());
  }

  @Test
  void aWrongTokenIsRefusedAsSuch() throws Exception {
    RemoteClient client = new RemoteClient(remote(served), "wrong-token-wrong-token");
    RemoteException e = assertThrows(RemoteException.class, () -> status(client));
    assertEquals(RemoteException.Kind.TOKEN_REFUSED, e.kind());
    assertEquals(403, e.status());
    assertEquals("peer refused the token (HTTP 403)", e.getMessage());
  }

  @Test
  void anErrorAnswerIsAFailureWithThePeersDetailNeverABody() throws Exception {
    RemoteClient client = new RemoteClient(remote(served), TOKEN);
    RemoteException e =
        assertThrows(
            RemoteException.class,
            () -> client.send("GET", "/nowhere", null, BodyHandlers.ofString()));
    assertEquals(RemoteException.Kind.REFUSED, e.kind());
    assertEquals(404, e.status());
    assertEquals("peer answered HTTP 404: no such resource: /nowhere", e.getMessage());
  }

  @Test
  void nothingListeningIsUnreachable() throws Exception {
    URI closed = URI.create("https://127.0.0.1:" + FreePort.pick());
    Remote r = new Remote("peer", closed, Fingerprint.of(served.certificate()), 0, Instant.now());
    RemoteException e =
        assertThrows(RemoteException.class, () -> status(new RemoteClient(r, TOKEN)));
    assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
    assertEquals("cannot reach peer at " + closed + ": connection refused", e.getMessage());
  }

  @Test
  void enrolPinsTheCertificateSeenAndChecksTheToken() throws Exception {
    Remote r = PeerCheck.enrol("peer", url.toString(), TOKEN, null, 0, Instant.now());
    assertEquals(Fingerprint.parse(served.keytoolFingerprint()), r.fingerprint());
    PeerCheck.Status s = PeerCheck.test(new RemoteClient(r, TOKEN));
    assertEquals("9.9.9", s.peerVersion());
    assertEquals(r.fingerprint(), s.fingerprint());
    RemoteException e =
        assertThrows(
            RemoteException.class,
            () -> PeerCheck.enrol("peer", url.toString(), "bad-token", null, 0, Instant.now()));
    assertEquals(RemoteException.Kind.TOKEN_REFUSED, e.kind());
  }

  @Test
  void enrolWithAnotherFingerprintNeverSendsTheToken() throws Exception {
    int before = requests.get();
    String wrong = Fingerprint.of(other.certificate()).toString();
    RemoteException e =
        assertThrows(
            RemoteException.class,
            () -> PeerCheck.enrol("peer", url.toString(), TOKEN, wrong, 0, Instant.now()));
    assertEquals(RemoteException.Kind.CERTIFICATE_CHANGED, e.kind());
    assertEquals(
        "peer at "
            + url
            + " presents certificate "
            + Fingerprint.of(served.certificate())
            + ", not "
            + wrong
            + " as given",
        e.getMessage());
    assertEquals(before, requests.get(), "no HTTP request reached the server");
    Remote r =
        PeerCheck.enrol(
            "peer", url.toString(), TOKEN, served.keytoolFingerprint(), 0, Instant.now());
    assertEquals(Fingerprint.of(served.certificate()), r.fingerprint());
  }

  @Test
  void enrolRefusesPlainHttpBeforeConnecting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PeerCheck.enrol(
                    "peer", "http://127.0.0.1:" + url.getPort(), TOKEN, null, 0, Instant.now()));
    assertTrue(e.getMessage().startsWith("http:// is refused"), e.getMessage());
  }

  private static void status(RemoteClient client) throws Exception {
    client.send("GET", "/api/v1/status", null, BodyHandlers.ofString());
  }
}
