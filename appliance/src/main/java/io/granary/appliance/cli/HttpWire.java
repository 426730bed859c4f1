package io.granary.appliance.cli;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 as the CLI speaks it to granaryd (RFC 9112), pure: a request's bytes out, an answer
 * decoded from the bytes read so far. One request per connection ({@code Connection: close}),
 * so an answer ends at its {@code Content-Length}, at its last chunk, or where the daemon closes.
 * It does not do what the admin API never asks for: redirects, 1xx answers, compression,
 * keep-alive. Sizes are checked before anything is allocated for them.
 */
final class HttpWire {
  /** The longest status line and headers accepted. */
  static final int MAX_HEAD = 64 << 10;

  /** The longest body accepted (a listing of thousands of volumes is a few MiB). */
  static final int MAX_BODY = 64 << 20;

  /** The most bytes read for one answer: headers, body and chunk framing. */
  static final int MAX_ANSWER = 2 * MAX_BODY;

  /** A decoded answer: its status code and its body (empty when it had none). */
  record Answer(int status, byte[] body) {}

  private HttpWire() {}

  /** The bytes of a request for {@code target} (path and query), with a JSON body or none. */
  static byte[] request(String method, String target, byte[] json) {
    StringBuilder head =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\n")
            .append("Host: granaryd\r\n")
            .append("Accept: application/json\r\n")
            .append("Connection: close\r\n");
    if (json != null) {
      head.append("Content-Type: application/json\r\n")
          .append("Content-Length: ")
          .append(json.length)
          .append("\r\n");
    }
    byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    if (json == null) {
      return h;
    }
    byte[] all = new byte[h.length + json.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(json, 0, all, h.length, json.length);
    return all;
  }

  /**
   * The answer in the first {@code length} bytes of {@code in}, or null while it is incomplete
   * and the connection open; {@code closed}: the daemon closed the connection after them.
   *
   * @throws ProtocolException if the bytes are no HTTP/1.1 answer, exceed a limit, or the
   *     connection closed before the answer was whole
   */
  static Answer answer(byte[] in, int length, boolean closed) throws ProtocolException {
    int headEnd = indexOf(in, length, 0, "\r\n\r\n");
    if (headEnd < 0) {
      if (length > MAX_HEAD) {
        throw new ProtocolException("answer headers longer than " + MAX_HEAD + " bytes");
      }
      return incomplete(closed, "the headers");
    }
    String[] lines = new String(in, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = status(lines[0]);
    long contentLength = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("malformed header line: " + lines[i]);
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        contentLength = contentLength(value);
      } else if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
      }
    }
    int bodyStart = headEnd + 4;
    if (chunked) {
      byte[] body = dechunk(in, bodyStart, length);
      return body != null ? new Answer(status, body) : incomplete(closed, "the chunked body");
    }
    if (contentLength >= 0) {
      if (length - bodyStart < contentLength) {
        return incomplete(closed, "the body (Content-Length " + contentLength + ")");
      }
      return new Answer(status, copy(in, bodyStart, (int) contentLength));
    }
    if (length - bodyStart > MAX_BODY) {
      throw new ProtocolException("answer body longer than " + MAX_BODY + " bytes");
    }
    // No length given: the body is whatever comes until the daemon closes (RFC 9112 §6.3).
    return closed ? new Answer(status, copy(in, bodyStart, length - bodyStart)) : null;
  }

  private static Answer incomplete(boolean closed, String what) throws ProtocolException {
    if (closed) {
      throw new ProtocolException("granaryd closed the connection before the end of " + what);
    }
    return null;
  }

  private static int status(String line) throws ProtocolException {
    // HTTP/1.1 200 OK: the version, one space, three digits, then a space or nothing.
    if (!line.startsWith("HTTP/1.")
        || line.length() < 12
        || line.charAt(8) != ' '
        || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new ProtocolException("malformed status line: " + line);
    }
    try {
      return Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed status line: " + line);
    }
  }

  private static long contentLength(String value) throws ProtocolException {
    try {
      long n = Long.parseLong(value);
      if (n < 0 || n > MAX_BODY) {
        throw new ProtocolException("Content-Length " + value + " out of range");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed Content-Length: " + value);
    }
  }

  /** The body of a chunked answer starting at {@code from}, or null while incomplete. */
  private static byte[] dechunk(byte[] in, int from, int length) throws ProtocolException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = from;
    while (true) {
      int lineEnd = indexOf(in, length, at, "\r\n");
      if (lineEnd < 0) {
        return null;
      }
      String sizeText = new String(in, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int semicolon = sizeText.indexOf(';'); // chunk extensions are ignored
      long size;
      try {
        size =
            Long.parseLong(
                (semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size: " + sizeText);
      }
      if (size < 0 || body.size() + size > MAX_BODY) {
        throw new ProtocolException("chunked answer body longer than " + MAX_BODY + " bytes");
      }
      at = lineEnd + 2;
      if (size == 0) {
        // Trailers, if any, then an empty line.
        while (true) {
          int end = indexOf(in, length, at, "\r\n");
          if (end < 0) {
            return null;
          }
          if (end == at) {
            return body.toByteArray();
          }
          at = end + 2;
        }
      }
      if (length - at < size + 2) {
        return null;
      }
      body.write(in, at, (int) size);
      at += (int) size;
      if (in[at] != '\r' || in[at + 1] != '\n') {
        throw new ProtocolException("chunk not followed by CRLF");
      }
      at += 2;
    }
  }

  private static int indexOf(byte[] in, int length, int from, String what) {
    byte[] w = what.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = from; i <= length - w.length; i++) {
      for (int j = 0; j < w.length; j++) {
        if (in[i + j] != w[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] copy(byte[] in, int from, int n) {
    byte[] out = new byte[n];
    System.arraycopy(in, from, out, 0, n);
    return out;
  }
}
