package io.granary.appliance;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Transport;

/** Plain HTTP calls on a daemon's admin socket, for what the CLI does not show (/metrics). */
final class AdminSocket implements AutoCloseable {
  /** An answer: status, content type and body. */
  record Answer(int status, String contentType, String body) {}

  private final Path socket;
  private final HttpClient http = new HttpClient();

  AdminSocket(Path socket) throws Exception {
    this.socket = socket;
    http.start();
  }

  Answer get(String path) throws Exception {
    return send("GET", path);
  }

  Answer send(String method, String path) throws Exception {
    ContentResponse r =
        http.newRequest("http://granaryd" + path)
            .method(method)
            .transport(new Transport.TCPUnix(socket))
            .timeout(60, TimeUnit.SECONDS)
            .send();
    return new Answer(
        r.getStatus(), r.getHeaders().get(HttpHeader.CONTENT_TYPE), r.getContentAsString());
  }

  @Override
  public void close() throws Exception {
    http.stop();
  }
}
