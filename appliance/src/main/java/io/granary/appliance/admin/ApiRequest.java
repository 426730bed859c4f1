package io.granary.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * One call as a route sees it: its path parameters, query parameters, JSON body and caller.
 * Decoding of the body is done once, before the route runs.
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> params,
    Map<String, String> query,
    JsonNode body,
    Caller caller) {

  public String param(String name) {
    return params.get(name);
  }

  public boolean flag(String name) {
    String v = query.get(name);
    return v != null && (v.isEmpty() || v.equals("true") || v.equals("1"));
  }

  /** A required string field of the body. */
  public String text(String field) throws ProblemException {
    JsonNode n = body == null ? null : body.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new ProblemException(Problem.INVALID, "the request needs a \"" + field + "\" string");
    }
    return n.asText();
  }

  /**
   * A required field naming a file on the appliance, which the daemon will open as root: only
   * for callers that could open it themselves ({@link Caller#mayNameFiles}).
   */
  public Path file(String field) throws ProblemException {
    String name = text(field);
    if (!caller.mayNameFiles()) {
      throw new ProblemException(
          Problem.FORBIDDEN,
          "only root may have granaryd open files on "
              + "the appliance (\""
              + field
              + "\": "
              + name
              + "); "
              + caller.name()
              + " can copy "
              + "images over NBD instead: qemu-img convert -n -O raw IMAGE nbd://HOST:PORT/POOL/VOLUME");
    }
    return Path.of(name);
  }

  /** An optional string field, or {@code fallback}. */
  public String text(String field, String fallback) throws ProblemException {
    return body != null && body.has(field) && !body.get(field).isNull() ? text(field) : fallback;
  }

  /** An optional non-negative integer field, or {@code fallback}. */
  public long number(String field, long fallback) throws ProblemException {
    JsonNode n = body == null ? null : body.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw new ProblemException(
          Problem.INVALID, "\"" + field + "\" must be a non-negative integer");
    }
    return n.asLong();
  }

  public boolean has(String field) {
    return body != null && body.has(field) && !body.get(field).isNull();
  }
}
