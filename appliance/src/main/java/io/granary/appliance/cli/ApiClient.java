package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the admin API on the daemon's Unix socket and turns problem answers into errors. Plain
 * JDK channels and {@link HttpWire}, one connection per call: a CLI lives for a moment, and
 * starting an HTTP client library (threads, pools, TLS) cost it more than the call itself. The
 * JSON goes through {@link Json}, not an ObjectMapper, for the same reason.
 */
public final class ApiClient implements AutoCloseable {
  /** How long one call may take, answer included (a task's long poll returns well before). */
  private static final long TIMEOUT_SECONDS = 120;

  private final Path socket;
  private final long timeoutSeconds;

  ApiClient(Path socket) throws ApiError {
    this(socket, TIMEOUT_SECONDS);
  }

  ApiClient(Path socket, long timeoutSeconds) throws ApiError {
    this.socket = socket;
    this.timeoutSeconds = timeoutSeconds;
    if (!Files.exists(socket)) {
      throw unreachable("no socket there");
    }
  }

  private ApiError unreachable(String why) {
    return ApiError.unanswered(
        "cannot reach granaryd at "
            + socket
            + " ("
            + why
            + "); is it running? Start it with 'make run' or 'granaryd', or point --data at its "
            + "data directory");
  }

  public JsonNode get(String path) throws ApiError {
    return send("GET", path, null);
  }

  public JsonNode post(String path, Object body) throws ApiError {
    return send("POST", path, body);
  }

  public JsonNode patch(String path, Object body) throws ApiError {
    return send("PATCH", path, body);
  }

  public JsonNode delete(String path) throws ApiError {
    return send("DELETE", path, null);
  }

  private JsonNode send(String method, String path, Object body) throws ApiError {
    // Checked as a URI first: a name with a space or a control character is a usage error
    // (IllegalArgumentException, exit 2), never sent.
    URI uri = URI.create("http://granaryd" + path);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    try {
      byte[] json = body == null ? null : Json.write(body);
      HttpWire.Answer answer = exchange(HttpWire.request(method, target, json));
      JsonNode n = answer.body().length == 0 ? null : Json.read(answer.body());
      if (answer.status() >= 400) {
        String detail =
            n == null || !n.has("detail") ? "HTTP " + answer.status() : n.get("detail").asText();
        throw new ApiError(answer.status(), detail);
      }
      return n;
    } catch (ApiError e) {
      throw e;
    } catch (ConnectException | ClosedChannelException e) {
      throw unreachable(e.getMessage() == null ? "connection refused" : e.getMessage());
    } catch (TimeoutException e) {
      throw ApiError.unanswered(
          "the call to granaryd failed: no answer within " + timeoutSeconds + " s");
    } catch (IOException e) {
      throw ApiError.unanswered("the call to granaryd failed: " + e);
    }
  }

  /** Sends one request on a connection of its own and reads the whole answer. */
  private HttpWire.Answer exchange(byte[] request) throws IOException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, 0);
      if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
        await(key, SelectionKey.OP_CONNECT, deadline);
        channel.finishConnect();
      }
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await(key, SelectionKey.OP_WRITE, deadline);
        }
      }
      byte[] in = new byte[16 << 10];
      int length = 0;
      while (true) {
        if (length == in.length) {
          if (length == HttpWire.MAX_ANSWER) {
            throw new ProtocolException("answer longer than " + HttpWire.MAX_ANSWER + " bytes");
          }
          in = Arrays.copyOf(in, (int) Math.min(2L * length, HttpWire.MAX_ANSWER));
        }
        int n = channel.read(ByteBuffer.wrap(in, length, in.length - length));
        if (n == 0) {
          await(key, SelectionKey.OP_READ, deadline);
          continue;
        }
        length += Math.max(n, 0);
        HttpWire.Answer answer = HttpWire.answer(in, length, n < 0);
        if (answer != null) {
          return answer;
        }
      }
    }
  }

  /** Waits until the channel is ready for {@code op}, or throws once the deadline has passed. */
  private static void await(SelectionKey key, int op, long deadline)
      throws IOException, TimeoutException {
    key.interestOps(op);
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TimeoutException();
      }
      key.selector().selectedKeys().clear();
      if (key.selector().select(left) > 0) {
        return;
      }
    }
  }

  @Override
  public void close() {
    // Nothing is held between calls: each has its own connection.
  }
}
