package io.granary.appliance.admin;

import io.granary.appliance.metrics.Metrics;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics} on the admin listeners: the Prometheus exposition, admitted as every
 * API call is. Not a route of the JSON API: its answer is text in the format the scraper's
 * {@code Accept} asks for, and so are its errors. Other paths go on to the API's handler.
 */
final class MetricsHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(MetricsHandler.class.getName());
  static final String PATH = "/metrics";

  private final Metrics metrics;
  private final Admission admission;

  MetricsHandler(Metrics metrics, Admission admission) {
    this.metrics = metrics;
    this.admission = admission;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!PATH.equals(request.getHttpURI().getPath())) {
      return false;
    }
    try {
      admission.admit(request);
    } catch (ProblemException e) {
      return text(response, callback, 403, e.getMessage());
    } catch (Exception e) {
      LOG.log(Level.WARNING, "cannot tell who calls " + PATH, e);
      return text(response, callback, 403, "cannot tell who calls");
    }
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return text(response, callback, 405, request.getMethod() + " is not allowed on " + PATH);
    }
    Metrics.Exposition scrape;
    try {
      scrape = metrics.scrape(request.getHeaders().get(HttpHeader.ACCEPT));
    } catch (Exception e) {
      LOG.log(Level.ERROR, "scrape failed", e);
      return text(response, callback, 500, "scrape failed: " + e);
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, scrape.contentType());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, scrape.body().length);
    response.write(
        true,
        "HEAD".equals(request.getMethod())
            ? ByteBuffer.allocate(0)
            : ByteBuffer.wrap(scrape.body()),
        callback);
    return true;
  }

  private static boolean text(Response response, Callback callback, int status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
