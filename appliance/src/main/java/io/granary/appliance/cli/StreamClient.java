package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Replication streams to and from granaryd on its Unix socket, however long: a GET whose
 * answer body (chunked) is copied to an output as it comes, and a POST whose body is copied,
 * chunked, from an input. Unlike {@link ApiClient} nothing is held in memory, and there is no
 * deadline (a stream takes as long as its bytes do). An answer that is not 200 is the daemon's
 * problem answer; a chunked body that ends without its last chunk means the daemon cut the
 * stream, and is an error, never a short stream passed off as whole.
 */
final class StreamClient {
  private static final int COPY = 1 << 20;

  private final Path socket;

  StreamClient(Path socket) {
    this.socket = socket;
  }

  /** GETs {@code target} and copies the answer's body to {@code out}; returns its length. */
  long download(String target, OutputStream out) throws IOException, ApiError {
    try (SocketChannel channel = connect()) {
      OutputStream request = Channels.newOutputStream(channel);
      request.write(head("GET", target, null).getBytes(StandardCharsets.US_ASCII));
      request.flush();
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel), COPY);
      Head h = readHead(in);
      if (h.status != 200) {
        throw problem(h, in);
      }
      if (!h.chunked) {
        throw new ProtocolException("granaryd sent the stream without chunked framing");
      }
      return dechunk(in, out);
    }
  }

  /** POSTs the bytes of {@code body} to {@code target}, chunked; returns the JSON answer. */
  JsonNode upload(String target, InputStream body) throws IOException, ApiError {
    try (SocketChannel channel = connect()) {
      OutputStream request = new BufferedOutputStream(Channels.newOutputStream(channel), COPY);
      try {
        request.write(
            head("POST", target, "application/x-granary-stream")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[COPY];
        for (int n = body.readNBytes(buf, 0, buf.length);
            n > 0;
            n = body.readNBytes(buf, 0, buf.length)) {
          request.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          request.write(buf, 0, n);
          request.write(CRLF);
        }
        request.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        request.flush();
      } catch (IOException cut) {
        // The daemon may have refused the stream and closed: its answer says why.
      }
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
      byte[] answer = in.readNBytes(HttpWire.MAX_ANSWER);
      HttpWire.Answer a = HttpWire.answer(answer, answer.length, true);
      JsonNode n = a.body().length == 0 ? null : Json.read(a.body());
      if (a.status() >= 400) {
        throw new ApiError(a.status(), detail(n, a.status()));
      }
      return n;
    }
  }

  private SocketChannel connect() throws ApiError {
    try {
      return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw ApiError.unanswered(
          "cannot reach granaryd at " + socket + " (" + e.getMessage() + "); is it running?");
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};

  /**
   * A request head. A GET keeps the connection open as far as HTTP goes, so that the daemon
   * frames its answer in chunks (with {@code Connection: close} it may end the body by closing
   * instead, and a cut stream would look whole); this side closes once the last chunk is in.
   */
  private static String head(String method, String target, String contentType) {
    StringBuilder b =
        new StringBuilder(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\nHost: granaryd\r\n");
    if (contentType != null) {
      b.append("Connection: close\r\n");
      b.append("Content-Type: ").append(contentType).append("\r\n");
      b.append("Transfer-Encoding: chunked\r\n");
    }
    return b.append("\r\n").toString();
  }

  private record Head(int status, boolean chunked, long contentLength) {}

  private static Head readHead(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new ProtocolException("malformed status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    boolean chunked = false;
    long length = -1;
    int headBytes = status.length();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      headBytes += l.length();
      if (headBytes > HttpWire.MAX_HEAD) {
        throw new ProtocolException("answer headers longer than " + HttpWire.MAX_HEAD);
      }
      int colon = l.indexOf(':');
      String name = colon < 0 ? l : l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = colon < 0 ? "" : l.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      chunked |= name.equals("transfer-encoding") && value.endsWith("chunked");
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      }
    }
    return new Head(code, chunked, length);
  }

  /** The problem answer after a head that was not 200. */
  private static ApiError problem(Head h, InputStream in) throws IOException {
    byte[] body;
    if (h.chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      dechunk(in, b);
      body = b.toByteArray();
    } else {
      body = in.readNBytes((int) Math.min(Math.max(h.contentLength, 0), HttpWire.MAX_BODY));
    }
    JsonNode n = body.length == 0 ? null : Json.read(body);
    return new ApiError(h.status, detail(n, h.status));
  }

  private static String detail(JsonNode n, int status) {
    return n == null || !n.has("detail") ? "HTTP " + status : n.get("detail").asText();
  }

  /** Copies a chunked body to {@code out} as it comes; fails if it ends before its last chunk. */
  private static long dechunk(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[COPY];
    long total = 0;
    while (true) {
      String sizeLine = line(in);
      int semicolon = sizeLine.indexOf(';');
      long size;
      try {
        size =
            Long.parseLong(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size: " + sizeLine);
      }
      if (size == 0) {
        while (!line(in).isEmpty()) {
          // trailers, ignored
        }
        return total;
      }
      for (long left = size; left > 0; ) {
        int n = in.read(buf, 0, (int) Math.min(left, buf.length));
        if (n < 0) {
          throw cut(total);
        }
        out.write(buf, 0, n);
        left -= n;
        total += n;
      }
      if (!line(in).isEmpty()) {
        throw new ProtocolException("chunk not followed by CRLF");
      }
    }
  }

  private static IOException cut(long total) {
    return new IOException(
        "granaryd cut the stream after "
            + total
            + " bytes (see its log); what was written is"
            + " incomplete");
  }

  /** One CRLF-terminated line, without it; EOF before it is a cut stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("granaryd closed the connection in the middle of its answer");
      }
      if (c == '\n') {
        int len = b.length();
        return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
      }
      if (b.length() > HttpWire.MAX_HEAD) {
        throw new ProtocolException("line longer than " + HttpWire.MAX_HEAD);
      }
      b.append((char) c);
    }
  }
}
