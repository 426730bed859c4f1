package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ApiClient against a stub granaryd on a real Unix socket: answers, problems, a daemon that
 * closes without answering or never answers, a socket nobody listens on.
 */
class ApiClientTest {
  /** What the stub does with one accepted connection. */
  interface Behaviour {
    void serve(SocketChannel c, String request) throws Exception;
  }

  @TempDir Path tmp;
  private ServerSocketChannel server;
  private final AtomicReference<String> lastRequest = new AtomicReference<>();

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private Path stub(Behaviour b) throws IOException {
    Path socket = tmp.resolve("admin.sock");
    // The thread keeps its own server: a test that stops one stub and starts another must not
    // have the first one's thread accept on the second's socket with the first's behaviour.
    ServerSocketChannel own = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    own.bind(UnixDomainSocketAddress.of(socket));
    server = own;
    Thread t =
        new Thread(
            () -> {
              while (own.isOpen()) {
                try (SocketChannel c = own.accept()) {
                  ByteBuffer in = ByteBuffer.allocate(1 << 16);
                  String request = "";
                  while (!complete(request) && c.read(in) >= 0) {
                    request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
                  }
                  lastRequest.set(request);
                  b.serve(c, request);
                } catch (Exception e) {
                  // closed: the test is over
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return socket;
  }

  private static boolean complete(String request) {
    int end = request.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    int at = request.indexOf("Content-Length: ");
    return at < 0
        || request.length() - end - 4
            >= Integer.parseInt(request.substring(at + 16, request.indexOf("\r\n", at)));
  }

  private static void answer(SocketChannel c, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    c.write(
        ByteBuffer.wrap(
            ("HTTP/1.1 "
                    + status
                    + " X\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
    c.write(ByteBuffer.wrap(body));
  }

  @Test
  void aJsonAnswerIsReturnedAndABodyIsSentAsJson() throws Exception {
    Path socket = stub((c, r) -> answer(c, 201, "{\"name\":\"vm1\",\"size\":1073741824}"));
    JsonNode n = new ApiClient(socket).post("/api/v1/pools/default/volumes", Map.of("name", "vm1"));
    assertEquals(1073741824L, n.get("size").asLong());
    String request = lastRequest.get();
    assertTrue(request.startsWith("POST /api/v1/pools/default/volumes HTTP/1.1\r\n"), request);
    assertTrue(request.endsWith("\r\n\r\n{\"name\":\"vm1\"}"), request);
  }

  @Test
  void aProblemBecomesAnErrorWithItsDetailAndStatus() throws Exception {
    Path socket = stub((c, r) -> answer(c, 400, "{\"status\":400,\"detail\":\"bad size\"}"));
    ApiError e = assertThrows(ApiError.class, () -> new ApiClient(socket).get("/api/v1/x"));
    assertEquals("bad size", e.getMessage());
    assertEquals(2, e.exitCode());
    stop();
    Files.delete(socket);
    Path again = stub((c, r) -> answer(c, 503, ""));
    ApiError empty = assertThrows(ApiError.class, () -> new ApiClient(again).delete("/api/v1/x"));
    assertEquals("HTTP 503", empty.getMessage());
    assertEquals(1, empty.exitCode());
  }

  @Test
  void aDaemonThatClosesWithoutAnAnswerIsAFailedCall() throws Exception {
    Path socket = stub((c, r) -> c.close());
    ApiError e = assertThrows(ApiError.class, () -> new ApiClient(socket).get("/api/v1/pools"));
    assertEquals(
        "the call to granaryd failed: java.net.ProtocolException: granaryd closed the "
            + "connection before the end of the headers",
        e.getMessage());
  }

  @Test
  void aDaemonThatNeverAnswersTimesOut() throws Exception {
    Path socket = stub((c, r) -> Thread.sleep(10_000));
    long t0 = System.nanoTime();
    ApiError e = assertThrows(ApiError.class, () -> new ApiClient(socket, 1).get("/api/v1/pools"));
    assertEquals("the call to granaryd failed: no answer within 1 s", e.getMessage());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
  }

  @Test
  void aSocketNobodyListensOnIsUnreachable() throws Exception {
    Path socket = tmp.resolve("admin.sock");
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    s.close(); // the file stays, nobody listens: a daemon that died
    ApiError e = assertThrows(ApiError.class, () -> new ApiClient(socket).get("/api/v1/pools"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot reach granaryd at " + socket + " (Connection refused); is it running?"),
        e.getMessage());
    ApiError none = assertThrows(ApiError.class, () -> new ApiClient(tmp.resolve("nothing")));
    assertTrue(none.getMessage().contains("(no socket there)"), none.getMessage());
  }

  @Test
  void aTargetThatIsNoUriIsABadArgumentNeverSent() throws Exception {
    Path socket = stub((c, r) -> answer(c, 200, "{}"));
    assertThrows(
        IllegalArgumentException.class, () -> new ApiClient(socket).get("/api/v1/profiles/a b"));
  }
}
