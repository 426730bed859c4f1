package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;

/** Calls the admin API on the daemon's Unix socket and turns problem answers into errors. */
public final class ApiClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path socket;
  private final HttpClient http = new HttpClient();

  ApiClient(Path socket) throws ApiError {
    this.socket = socket;
    if (!Files.exists(socket)) {
      throw unreachable("no socket there");
    }
    try {
      http.start();
    } catch (Exception e) {
      throw ApiError.unanswered("cannot start the HTTP client: " + e.getMessage());
    }
  }

  private ApiError unreachable(String why) {
    return ApiError.unanswered("cannot reach granaryd at " + socket + " (" + why
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
    Request r = http.newRequest("http://granaryd" + path).method(method)
        .transport(new Transport.TCPUnix(socket)).timeout(120, TimeUnit.SECONDS);
    try {
      if (body != null) {
        r.body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
      }
      ContentResponse resp = r.send();
      String text = resp.getContentAsString();
      JsonNode n = text.isEmpty() ? null : JSON.readTree(text);
      if (resp.getStatus() >= 400) {
        String detail = n == null || !n.has("detail") ? "HTTP " + resp.getStatus()
            : n.get("detail").asText();
        throw new ApiError(resp.getStatus(), detail);
      }
      return n;
    } catch (ApiError e) {
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof ConnectException || c instanceof ClosedChannelException
          ? unreachable(c.getMessage() == null ? "connection refused" : c.getMessage())
          : ApiError.unanswered("the call to granaryd failed: " + c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unanswered("interrupted");
    } catch (Exception e) {
      throw ApiError.unanswered("the call to granaryd failed: " + e.getMessage());
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception ignored) {
      // the process ends anyway
    }
  }
}
