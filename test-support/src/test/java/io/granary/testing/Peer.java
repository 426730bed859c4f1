package io.granary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback server for {@link WanLinkTest}: a thread per connection running a handler, and a
 * record of how each connection ended ("eof", "reset", or another exception's name). Streams
 * carry a pattern ({@link #patternAt}) so that a receiver checks order and content.
 */
final class Peer implements AutoCloseable {
  /** What the server does with one connection. */
  interface Handler {
    void serve(Socket s) throws IOException, InterruptedException;
  }

  /** How connections ended, in order. */
  final BlockingQueue<String> endings = new LinkedBlockingQueue<>();

  private final ServerSocket server;
  private final Handler handler;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private Peer(Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket();
    server.setReceiveBufferSize(128 << 10); // fixed, so that a receiver that stalls holds little
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    this.acceptor = new Thread(this::accept, "peer accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Sends back what it reads, until the client's end. */
  static Peer echo() throws IOException {
    return new Peer(
        s -> {
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          byte[] b = new byte[64 << 10];
          for (int n; (n = in.read(b)) >= 0; ) {
            out.write(b, 0, n);
          }
        });
  }

  /** Reads the pattern, once {@code go} opens, counting into {@code received}. */
  static Peer sink(AtomicLong received, CountDownLatch go) throws IOException {
    return new Peer(
        s -> {
          go.await();
          expectPattern(s.getInputStream(), received);
        });
  }

  /** Sends {@code bytes} of the pattern, then its end, then reads to the client's end. */
  static Peer source(long bytes) throws IOException {
    return new Peer(
        s -> {
          sendPattern(s.getOutputStream(), bytes);
          s.shutdownOutput();
          s.getInputStream().transferTo(OutputStream.nullOutputStream());
        });
  }

  int port() {
    return server.getLocalPort();
  }

  static byte patternAt(long position) {
    return (byte) (position % 251);
  }

  /** Writes {@code bytes} of the pattern from position 0, counting them into {@code sent}. */
  static void sendPattern(OutputStream out, long bytes, AtomicLong sent) throws IOException {
    byte[] b = new byte[64 << 10];
    for (long p = 0; p < bytes; ) {
      int n = (int) Math.min(b.length, bytes - p);
      for (int i = 0; i < n; i++) {
        b[i] = patternAt(p + i);
      }
      out.write(b, 0, n);
      p += n;
      sent.addAndGet(n);
    }
    out.flush();
  }

  static void sendPattern(OutputStream out, long bytes) throws IOException {
    sendPattern(out, bytes, new AtomicLong());
  }

  /** Reads to the end, failing at the first byte off the pattern; counts into {@code got}. */
  static void expectPattern(InputStream in, AtomicLong got) throws IOException {
    byte[] b = new byte[64 << 10];
    long p = 0;
    for (int n; (n = in.read(b)) >= 0; ) {
      for (int i = 0; i < n; i++) {
        if (b[i] != patternAt(p + i)) {
          throw new IOException("byte " + (p + i) + " is off the pattern");
        }
      }
      p += n;
      got.addAndGet(n);
    }
  }

  /** "eof", "reset" or the exception's name, for how a stream or connection ended. */
  static String ending(Exception e) {
    if (e == null) {
      return "eof";
    }
    if (e instanceof SocketException && String.valueOf(e.getMessage()).contains("reset")) {
      return "reset";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private void accept() {
    while (true) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      Thread t =
          new Thread(
              () -> {
                Exception failure = null;
                try {
                  handler.serve(s);
                } catch (IOException | InterruptedException e) {
                  failure = e;
                } finally {
                  endings.add(ending(failure));
                  try {
                    s.close();
                  } catch (IOException e) {
                    // closing anyway
                  }
                  open.remove(s);
                  threads.remove(Thread.currentThread());
                }
              },
              "peer " + s.getPort());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    acceptor.join(5_000);
    for (Socket s : List.copyOf(open)) {
      s.close();
    }
    for (Thread t : List.copyOf(threads)) {
      t.interrupt();
      t.join(5_000);
    }
  }
}
