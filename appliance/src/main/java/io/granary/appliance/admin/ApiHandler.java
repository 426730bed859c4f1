package io.granary.appliance.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API's one Jetty handler, in steps: admit the caller (peer credentials on the Unix
 * socket, a bearer token on TCP), decode the request, route it, answer JSON, and turn every
 * failure into {@code application/problem+json}.
 */
final class ApiHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
  private static final int MAX_BODY = 1 << 20;

  private final Router router;
  private final Admission admission;

  ApiHandler(Router router, Admission admission) {
    this.router = router;
    this.admission = admission;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Reply reply;
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    try {
      Caller caller = admission.admit(request);
      Router.Match m = router.match(method, path);
      reply =
          m.route()
              .handle(
                  new ApiRequest(method, path, m.params(), query(request), body(request), caller));
    } catch (Throwable t) {
      reply = problem(t, method, path);
    }
    write(response, callback, reply);
    return true;
  }

  static Map<String, String> query(Request request) {
    Map<String, String> q = new HashMap<>();
    String raw = request.getHttpURI().getQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        q.put(k, v);
      }
    }
    return q;
  }

  private static JsonNode body(Request request) throws Exception {
    try (InputStream in = Request.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new ProblemException(Problem.INVALID, "the request body is larger than 1 MiB");
      }
      if (bytes.length == 0) {
        return null;
      }
      try {
        JsonNode n = Json.MAPPER.readTree(bytes);
        if (!n.isObject()) {
          throw new ProblemException(Problem.INVALID, "the request body must be a JSON object");
        }
        return n;
      } catch (JacksonException e) {
        throw new ProblemException(
            Problem.INVALID, "the request body is not valid JSON: " + e.getOriginalMessage());
      }
    }
  }

  static Reply problem(Throwable t, String method, String path) {
    Problem kind = Problem.of(t);
    String detail = Problem.detail(t);
    if (kind == Problem.FAILED) {
      LOG.log(Level.ERROR, method + " " + path + " failed: " + detail, t);
    } else {
      LOG.log(Level.DEBUG, "{0} {1}: {2}", method, path, detail);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", kind.type());
    body.put("title", kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    body.put("status", kind.status());
    body.put("detail", detail);
    return new Reply(kind.status(), body, Map.of("Content-Type", "application/problem+json"));
  }

  static void write(Response response, Callback callback, Reply reply) {
    byte[] bytes;
    try {
      bytes = reply.body() == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(reply.body());
    } catch (Exception e) {
      bytes =
          ("{\"type\":\"" + Problem.FAILED.type() + "\",\"status\":500}")
              .getBytes(StandardCharsets.UTF_8);
      reply = new Reply(500, null, Map.of("Content-Type", "application/problem+json"));
    }
    response.setStatus(reply.status());
    response
        .getHeaders()
        .put(
            HttpHeader.CONTENT_TYPE,
            reply.headers().getOrDefault("Content-Type", "application/json"));
    reply
        .headers()
        .forEach(
            (k, v) -> {
              if (!k.equals("Content-Type")) {
                response.getHeaders().put(k, v);
              }
            });
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
