package io.granary.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 forwarding proxy that puts faults between a client and its server: a test points
 * the client at {@link #endpoint} and tells the proxy, while it runs, what to do to the next
 * requests, or to those a predicate picks ({@link #inject}). Faults: an answer of the proxy's
 * own (503 SlowDown with S3's XML error body), a delay, a connection dropped unanswered, a
 * request or response body cut after some bytes, a response body stalled.
 *
 * <p>Each client connection is served by a thread of its own with a connection to the server
 * of its own, requests passed on one at a time as they come (keep-alive on both sides). An
 * {@code Expect: 100-continue} is answered by the proxy, and not passed on, so that it holds the
 * body in hand. Bodies are framed by {@code Content-Length} or chunked encoding, responses
 * without either read to the end. Listens on a free port of the loopback interface; {@link
 * #close} closes every connection and waits for the threads.
 *
 * <p>Not done here: TLS, pipelined requests, HTTP/2.
 */
public final class FaultyHttpProxy implements AutoCloseable {
  /** A request as the proxy saw it: its method and target (path and query). */
  public record Request(String method, String target) {}

  /** What the proxy does to a request besides, or instead of, passing it on. */
  public sealed interface Fault {
    /** The proxy answers itself (the body read and thrown away); the server never sees it. */
    record Answer(int status, String reason, String contentType, String body) implements Fault {}

    /** Passes the request on after {@code delay}. */
    record Delay(Duration delay) implements Fault {}

    /**
     * Closes the client's connection, answering nothing, once the request's head and {@code
     * after} bytes of its body are read (0: right after the head); the server sees nothing.
     */
    record Drop(long after) implements Fault {}

    /** Passes on the request's head and {@code after} bytes of its body, then closes both ways. */
    record CutRequestBody(long after) implements Fault {}

    /**
     * Passes on the request's head and {@code after} bytes of its body, then reads nothing more
     * of it (the client's writes block once the sockets' buffers are full) until the proxy closes.
     */
    record StallRequestBody(long after) implements Fault {}

    /** Passes on the response's head and {@code after} bytes of its body, then closes both. */
    record CutResponseBody(long after) implements Fault {}

    /** Passes on the response's head and {@code after} bytes of its body, then nothing more. */
    record StallResponseBody(long after) implements Fault {}

    /** Closes the connection as soon as the request's head is read. */
    static Fault drop() {
      return new Drop(0);
    }

    /** S3's answer to too many requests: 503 SlowDown. */
    static Fault slowDown() {
      return new Answer(
          503,
          "Slow Down",
          "application/xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
              + "<Message>Please reduce your request rate.</Message>"
              + "<RequestId>faulty-http-proxy</RequestId></Error>");
    }
  }

  private static final class Rule {
    final Fault fault;
    final Predicate<Request> which;
    int left;

    Rule(Fault fault, int times, Predicate<Request> which) {
      this.fault = fault;
      this.left = times;
      this.which = which;
    }
  }

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final List<Rule> rules = new ArrayList<>(); // guarded by this
  private final List<Request> seen = new ArrayList<>(); // guarded by this
  private final AtomicInteger faults = new AtomicInteger();

  private FaultyHttpProxy(InetSocketAddress upstream, ServerSocket server) {
    this.upstream = upstream;
    this.server = server;
    this.acceptor = new Thread(this::accept, "faulty-http-proxy accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy passing requests on to the server at {@code upstream} ({@code http://host:port}). */
  public static FaultyHttpProxy start(URI upstream) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    return new FaultyHttpProxy(new InetSocketAddress(upstream.getHost(), upstream.getPort()), s);
  }

  /** Where clients are to connect. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * Does {@code fault} to the next {@code times} requests that {@code which} picks
   * ({@link Integer#MAX_VALUE}: to all of them, until {@link #clear}). Of several faults that
   * apply to a request the first injected is done.
   */
  public synchronized void inject(Fault fault, int times, Predicate<Request> which) {
    rules.add(new Rule(fault, times, which));
  }

  /** Does {@code fault} to the next {@code times} requests, whatever they are. */
  public void injectNext(Fault fault, int times) {
    inject(fault, times, r -> true);
  }

  /** Forgets every fault not yet done: requests pass untouched from now on. */
  public synchronized void clear() {
    rules.clear();
  }

  /** Every request seen so far, in order of arrival. */
  public synchronized List<Request> seen() {
    return List.copyOf(seen);
  }

  /** Faults done so far. */
  public int faultsDone() {
    return faults.get();
  }

  private synchronized Fault faultFor(Request r) {
    seen.add(r);
    for (Rule rule : rules) {
      if (rule.left > 0 && rule.which.test(r)) {
        if (rule.left != Integer.MAX_VALUE) {
          rule.left--;
        }
        faults.incrementAndGet();
        return rule.fault;
      }
    }
    return null;
  }

  private void accept() {
    while (closing.getCount() > 0) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      Thread t = new Thread(() -> serve(client), "faulty-http-proxy " + client.getPort());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Serves one client connection until either side closes it or a fault does. */
  private void serve(Socket client) {
    Socket toServer = null;
    try {
      InputStream cin = new BufferedInputStream(client.getInputStream());
      OutputStream cout = new BufferedOutputStream(client.getOutputStream());
      InputStream sin = null;
      OutputStream sout = null;
      while (true) {
        Head request = Head.read(cin);
        if (request == null) {
          return;
        }
        Fault fault = faultFor(new Request(request.method(), request.target()));
        if (fault instanceof Fault.Drop d && d.after() == 0) {
          return;
        }
        if (fault instanceof Fault.Delay d) {
          if (closing.await(d.delay().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            return;
          }
        }
        if (request.removeHeader("Expect") != null) {
          cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          cout.flush();
        }
        if (fault instanceof Fault.Drop d) {
          Body.request(request).copy(cin, Limited.to(OutputStream.nullOutputStream(), d.after()));
          return;
        }
        if (fault instanceof Fault.Answer a) {
          Body.request(request).copy(cin, OutputStream.nullOutputStream());
          answer(cout, request, a);
          continue;
        }
        if (toServer == null) {
          toServer = new Socket();
          open.add(toServer);
          toServer.connect(upstream, 5_000);
          sin = new BufferedInputStream(toServer.getInputStream());
          sout = new BufferedOutputStream(toServer.getOutputStream());
        }
        sout.write(request.bytes());
        long cutRequest =
            fault instanceof Fault.CutRequestBody c
                ? c.after()
                : fault instanceof Fault.StallRequestBody s ? s.after() : -1;
        try {
          Body.request(request).copy(cin, Limited.to(sout, cutRequest));
        } catch (Limited.Reached cut) {
          if (fault instanceof Fault.StallRequestBody) {
            closing.await();
          }
          return;
        }
        sout.flush();
        Head response;
        do {
          response = Head.read(sin);
          if (response == null) {
            return; // the server closed the connection
          }
        } while (response.status() / 100 == 1);
        cout.write(response.bytes());
        long cutResponse =
            fault instanceof Fault.CutResponseBody c
                ? c.after()
                : fault instanceof Fault.StallResponseBody s ? s.after() : -1;
        Body body = Body.response(request, response);
        try {
          body.copy(sin, Limited.to(cout, cutResponse));
        } catch (Limited.Reached cut) {
          if (fault instanceof Fault.StallResponseBody) {
            closing.await();
          }
          return;
        }
        cout.flush();
        if (body == Body.TO_END || "close".equalsIgnoreCase(response.header("Connection"))) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // a side closed, a cut, or the proxy closing: this connection ends
    } finally {
      closeQuietly(client);
      closeQuietly(toServer);
      threads.remove(Thread.currentThread());
    }
  }

  private static void answer(OutputStream out, Head request, Fault.Answer a) throws IOException {
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    boolean head = request.method().equals("HEAD");
    String h =
        "HTTP/1.1 "
            + a.status()
            + " "
            + a.reason()
            + "\r\nContent-Type: "
            + a.contentType()
            + "\r\nContent-Length: "
            + (head ? 0 : body.length)
            + "\r\nx-amz-request-id: faulty-http-proxy\r\n\r\n";
    out.write(h.getBytes(StandardCharsets.US_ASCII));
    if (!head) {
      out.write(body);
    }
    out.flush();
  }

  private void closeQuietly(Closeable c) {
    if (c != null) {
      open.remove(c);
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Stops listening, closes every connection, and waits for the threads. */
  @Override
  public void close() throws InterruptedException {
    closing.countDown();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    acceptor.join(10_000);
    for (Closeable c : List.copyOf(open)) {
      closeQuietly(c);
    }
    for (Thread t : List.copyOf(threads)) {
      t.join(10_000);
    }
  }

  /** A request's or response's head: its first line and its header lines, in order. */
  private static final class Head {
    private final String first;
    private final List<String> lines;

    private Head(String first, List<String> lines) {
      this.first = first;
      this.lines = lines;
    }

    /** The next head on {@code in}; null if the connection ends before one begins. */
    static Head read(InputStream in) throws IOException {
      List<String> lines = new ArrayList<>();
      while (true) {
        String line = Body.line(in);
        if (line == null) {
          if (lines.isEmpty()) {
            return null;
          }
          throw new IOException("the connection ended inside a head");
        }
        if (line.isEmpty()) {
          if (lines.isEmpty()) {
            continue; // a stray CRLF between messages
          }
          return new Head(lines.get(0), new ArrayList<>(lines.subList(1, lines.size())));
        }
        lines.add(line);
      }
    }

    String method() {
      return first.substring(0, first.indexOf(' '));
    }

    String target() {
      String[] parts = first.split(" ");
      return parts.length > 1 ? parts[1] : "";
    }

    int status() {
      return Integer.parseInt(first.split(" ")[1]);
    }

    String header(String name) {
      for (String l : lines) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return l.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String removeHeader(String name) {
      String value = header(name);
      lines.removeIf(
          l -> l.indexOf(':') > 0 && l.substring(0, l.indexOf(':')).trim().equalsIgnoreCase(name));
      return value;
    }

    byte[] bytes() {
      StringBuilder b = new StringBuilder(first).append("\r\n");
      lines.forEach(l -> b.append(l).append("\r\n"));
      return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** How a message's body is framed, and its copy from one side to the other. */
  private record Body(long length, boolean chunked) {
    static final Body NONE = new Body(0, false);
    static final Body TO_END = new Body(-1, false);

    static Body request(Head h) {
      return framed(h, NONE);
    }

    static Body response(Head request, Head response) {
      int status = response.status();
      if (request.method().equals("HEAD") || status == 204 || status == 304) {
        return NONE;
      }
      return framed(response, TO_END);
    }

    private static Body framed(Head h, Body otherwise) {
      String te = h.header("Transfer-Encoding");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        return new Body(-1, true);
      }
      String length = h.header("Content-Length");
      return length != null ? new Body(Long.parseLong(length), false) : otherwise;
    }

    void copy(InputStream in, OutputStream out) throws IOException {
      if (chunked) {
        while (true) {
          String size = line(in);
          if (size == null) {
            throw new IOException("the connection ended inside a chunked body");
          }
          writeLine(out, size);
          int semicolon = size.indexOf(';');
          long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
          if (n == 0) {
            String trailer;
            do {
              trailer = line(in);
              writeLine(out, trailer == null ? "" : trailer);
            } while (trailer != null && !trailer.isEmpty());
            return;
          }
          copyBytes(in, out, n);
          writeLine(out, line(in)); // the CRLF after the chunk
        }
      } else if (length >= 0) {
        copyBytes(in, out, length);
      } else {
        in.transferTo(out);
      }
    }

    private static void copyBytes(InputStream in, OutputStream out, long n) throws IOException {
      byte[] buffer = new byte[16 << 10];
      while (n > 0) {
        int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
        if (r < 0) {
          throw new IOException("the connection ended inside a body");
        }
        out.write(buffer, 0, r);
        n -= r;
      }
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A line without its CRLF; null at the end of the stream. */
    static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        if (b.size() > 64 << 10) {
          throw new IOException("a line longer than 64 KiB");
        }
        b.write(c);
      }
    }
  }

  /** Passes on so many bytes, flushes them, then throws {@link Reached}. */
  private static final class Limited extends FilterOutputStream {
    /** The limit is reached: the bytes up to it are written and flushed. */
    static final class Reached extends IOException {
      Reached() {
        super("cut");
      }
    }

    private long left;

    private Limited(OutputStream out, long left) {
      super(out);
      this.left = left;
    }

    /** {@code out} itself for a negative limit. */
    static OutputStream to(OutputStream out, long limit) {
      return limit < 0 ? out : new Limited(out, limit);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      out.write(b, off, n);
      left -= n;
      if (n < len || left == 0 && len > 0) {
        out.flush();
        throw new Reached();
      }
    }
  }
}
