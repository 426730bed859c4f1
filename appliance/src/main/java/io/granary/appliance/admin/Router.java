package io.granary.appliance.admin;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps a method and a path like {@code /api/v1/pools/{pool}} to the route that answers it. */
public final class Router {
  /** A route's work. */
  @FunctionalInterface
  public interface Route {
    Reply handle(ApiRequest request) throws Exception;
  }

  /**
   * A route whose request or answer body is a replication stream, not JSON ({@link
   * StreamHandler}): given the raw request body, and the answer's body when it asks for it.
   */
  @FunctionalInterface
  public interface StreamRoute {
    /** Returns a JSON reply, or null once it has written its answer through {@code answer}. */
    Reply handle(ApiRequest request, InputStream body, AnswerStream answer) throws Exception;
  }

  /** Opens the answer's body: status 200 and the stream's content type, committed. */
  @FunctionalInterface
  public interface AnswerStream {
    OutputStream open();
  }

  private record Entry(String method, String[] segments, Route route) {}

  private record StreamEntry(String method, String[] segments, StreamRoute route) {}

  /** A matched route with the path parameters it captured. */
  public record Match(Route route, Map<String, String> params) {}

  /** A matched stream route with the path parameters it captured. */
  public record StreamMatch(StreamRoute route, Map<String, String> params) {}

  private final List<Entry> entries = new ArrayList<>();
  private final List<StreamEntry> streams = new ArrayList<>();

  public Router add(String method, String pattern, Route route) {
    entries.add(new Entry(method, split(pattern), route));
    return this;
  }

  public Router addStream(String method, String pattern, StreamRoute route) {
    streams.add(new StreamEntry(method, split(pattern), route));
    return this;
  }

  /** The stream route of that method and path, or null (the path is a JSON route's). */
  public StreamMatch findStream(String method, String path) {
    String[] parts = split(path);
    for (StreamEntry e : streams) {
      Map<String, String> params = matches(e.segments, parts);
      if (params != null && e.method.equals(method)) {
        return new StreamMatch(e.route, params);
      }
    }
    return null;
  }

  public Match match(String method, String path) throws ProblemException {
    String[] parts = split(path);
    boolean pathKnown = false;
    for (Entry e : entries) {
      Map<String, String> params = matches(e.segments, parts);
      if (params != null) {
        pathKnown = true;
        if (e.method.equals(method)) {
          return new Match(e.route, params);
        }
      }
    }
    throw new ProblemException(
        pathKnown ? Problem.INVALID : Problem.NOT_FOUND,
        pathKnown ? method + " is not allowed on " + path : "no such resource: " + path);
  }

  private static Map<String, String> matches(String[] pattern, String[] parts) {
    if (pattern.length != parts.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), parts[i]);
      } else if (!p.equals(parts[i])) {
        return null;
      }
    }
    return params;
  }

  private static String[] split(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
  }
}
