package io.granary.appliance.admin;

import java.io.OutputStream;
import java.lang.System.Logger.Level;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API's routes whose body is a replication stream, not JSON ({@code docs/format.md}
 * §6): admitted as every call is, then given the raw request body and, when they send one, the
 * answer's body as an output stream (chunked, however long). A failure before the stream
 * starts is a problem answer; after it has started, the connection is aborted, so the client
 * sees a body that never ends properly, never a short stream passed off as whole. Other paths
 * go on to the JSON handler.
 */
final class StreamHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(StreamHandler.class.getName());
  static final String CONTENT_TYPE = "application/x-granary-stream";

  private final Router router;
  private final Admission admission;

  StreamHandler(Router router, Admission admission) {
    this.router = router;
    this.admission = admission;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    Router.StreamMatch m = router.findStream(method, path);
    if (m == null) {
      return false;
    }
    OutputStream[] opened = {null};
    try {
      Caller caller = admission.admit(request);
      ApiRequest q =
          new ApiRequest(method, path, m.params(), ApiHandler.query(request), null, caller);
      Reply reply =
          m.route()
              .handle(
                  q,
                  Request.asInputStream(request),
                  () -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
                    opened[0] = Content.Sink.asOutputStream(response);
                    return opened[0];
                  });
      if (reply != null) {
        ApiHandler.write(response, callback, reply);
      } else {
        opened[0].close();
        callback.succeeded();
      }
    } catch (Throwable t) {
      if (opened[0] == null) {
        ApiHandler.write(response, callback, ApiHandler.problem(t, method, path));
      } else {
        LOG.log(Level.WARNING, method + " " + path + " failed while streaming: " + t, t);
        callback.failed(t); // aborts the connection: the client sees the stream cut
      }
    }
    return true;
  }
}
