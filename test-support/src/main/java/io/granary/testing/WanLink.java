package io.granary.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that stands for a WAN link between two appliances (issue 18, replication): it
 * listens on a free port of the loopback interface and forwards every connection to a target,
 * each direction with a one-way delay and a bandwidth cap, and cuts connections when told. The
 * kernels we test on have neither {@code netem} nor {@code tc} shaping, so the link lives here.
 *
 * <pre>{@code
 * try (WanLink wan = WanLink.to("127.0.0.1", port)
 *     .delayEachWay(Duration.ofMillis(75)) // 150 ms round trip
 *     .bandwidth(12_500_000)               // 100 Mbit/s each way
 *     .start()) {
 *   connect to 127.0.0.1:wan.port() ...
 * }
 * }</pre>
 *
 * <p>The model: bytes read from one side are delivered to the other no earlier than the delay
 * after they were read, in order (a timed queue per direction of each connection, so the delay
 * is pipelined and does not cap throughput); they leave through a token bucket per direction
 * shared by all connections, as a link's capacity is (bursts of 16 KiB or 10 ms worth). Each
 * direction of each connection holds at most {@link Builder#buffer} bytes in flight; when full,
 * the proxy stops reading, so TCP's back-pressure reaches the sender. The default is 4 MiB or
 * twice the bandwidth-delay product at start, whichever is more; a link without a bandwidth cap
 * carries at most that buffer per delay on one connection (4 MiB per 75 ms: 56 MB/s). The
 * proxy's own sockets have small fixed kernel buffers (256 KiB), so that what the link holds is
 * mostly what it counts. A half-close is passed on after the delay; so is a reset, as a reset of
 * the whole connection.
 *
 * <p>Threads: an acceptor, and four platform daemon threads per connection (a reader and a writer
 * each way), named {@code wan-link PORT #N ...}. {@link #close} resets every connection and
 * waits for every thread.
 *
 * <p>Not done: the TCP handshake costs no round trip (the proxy accepts at once, and connects to
 * the target on loopback), so a new connection's first exchange is one round trip short of a
 * real WAN's; no loss, jitter, reordering or MTU; a refused or cut connection is a reset, never
 * a silent black hole that times out.
 */
public final class WanLink implements AutoCloseable {
  /** The kernel buffers of the proxy's sockets, each way. */
  static final int SOCKET_BUFFER = 256 << 10;

  /** The least default buffer per direction of a connection. */
  static final long MIN_DEFAULT_BUFFER = 4 << 20;

  private static final long JOIN_MILLIS = 10_000;

  /** What a link is to be; {@link #start} starts it. */
  public static final class Builder {
    private final InetSocketAddress target;
    private Duration delayToServer = Duration.ZERO;
    private Duration delayToClient = Duration.ZERO;
    private long bandwidthToServer;
    private long bandwidthToClient;
    private long buffer = -1;

    private Builder(InetSocketAddress target) {
      this.target = target;
    }

    /** The same one-way delay both ways: the round trip is twice {@code delay}. */
    public Builder delayEachWay(Duration delay) {
      return delay(delay, delay);
    }

    /** A one-way delay for each direction. */
    public Builder delay(Duration toServer, Duration toClient) {
      delayToServer = nonNegative(toServer);
      delayToClient = nonNegative(toClient);
      return this;
    }

    /** The same cap both ways, in bytes a second; 0: none (the default). */
    public Builder bandwidth(long bytesPerSecond) {
      return bandwidth(bytesPerSecond, bytesPerSecond);
    }

    /** A cap for each direction, in bytes a second; 0: none. */
    public Builder bandwidth(long toServer, long toClient) {
      bandwidthToServer = nonNegative(toServer);
      bandwidthToClient = nonNegative(toClient);
      return this;
    }

    /**
     * The most bytes each direction of each connection holds (at least {@link Pipe#CHUNK}, 64
     * KiB). Less than the bandwidth-delay product keeps the link from being filled.
     */
    public Builder buffer(long bytes) {
      if (bytes < Pipe.CHUNK) {
        throw new IllegalArgumentException("a buffer under 64 KiB: " + bytes);
      }
      buffer = bytes;
      return this;
    }

    /** Listens on a free port of the loopback interface, and forwards from now on. */
    public WanLink start() throws IOException {
      long capacity = buffer;
      if (capacity < 0) {
        double bdp =
            Math.max(
                bandwidthToServer * (delayToServer.toNanos() / 1e9),
                bandwidthToClient * (delayToClient.toNanos() / 1e9));
        capacity = (long) Math.max(MIN_DEFAULT_BUFFER, 2 * bdp);
      }
      ServerSocket s = new ServerSocket();
      try {
        s.setReceiveBufferSize(SOCKET_BUFFER); // inherited by accepted sockets
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      return new WanLink(this, s, capacity);
    }

    private static Duration nonNegative(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a negative delay: " + d);
      }
      return d;
    }

    private static long nonNegative(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("a negative bandwidth: " + bytesPerSecond);
      }
      return bytesPerSecond;
    }
  }

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final long capacity;
  private final Lane toServer;
  private final Lane toClient;
  private final Tripwire tripwire = new Tripwire();
  private final Set<WanConnection> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean refusing;
  private volatile boolean closing;

  private WanLink(Builder b, ServerSocket server, long capacity) {
    this.target = b.target;
    this.server = server;
    this.capacity = capacity;
    this.toServer = new Lane(b.delayToServer, b.bandwidthToServer);
    this.toClient = new Lane(b.delayToClient, b.bandwidthToClient);
    this.acceptor = new Thread(this::accept, "wan-link " + port() + " accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A link to the server at {@code host:port}, without delay or cap until told. */
  public static Builder to(String host, int port) {
    return new Builder(new InetSocketAddress(host, port));
  }

  /** A link to the server at {@code target}. */
  public static Builder to(InetSocketAddress target) {
    return new Builder(target);
  }

  /** The loopback port clients are to connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** The loopback address and port clients are to connect to. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), port());
  }

  /** The most bytes each direction of each connection holds. */
  public long buffer() {
    return capacity;
  }

  /** Changes the one-way delay both ways; bytes already read keep the time they were given. */
  public void setDelayEachWay(Duration delay) {
    setDelay(delay, delay);
  }

  /** Changes the one-way delays; bytes already read keep the time they were given. */
  public void setDelay(Duration toServer, Duration toClient) {
    this.toServer.setDelay(toServer);
    this.toClient.setDelay(toClient);
  }

  /** Changes both caps, in bytes a second (0: none); waiting writers see it within 20 ms. */
  public void setBandwidth(long bytesPerSecond) {
    setBandwidth(bytesPerSecond, bytesPerSecond);
  }

  /** Changes each direction's cap, in bytes a second (0: none). */
  public void setBandwidth(long toServer, long toClient) {
    this.toServer.bandwidth.setRate(toServer);
    this.toClient.bandwidth.setRate(toClient);
  }

  /** Resets (RST) both sides of every live connection now; new connections are served. */
  public void cutAll() {
    for (WanConnection c : List.copyOf(connections)) {
      if (c.abort()) {
        cuts.incrementAndGet();
      }
    }
  }

  /**
   * Cuts every live connection, as {@link #cutAll}, once {@code bytes} more bytes have crossed
   * the link (written to the far side), counted from now over both directions and every
   * connection; exactly that many cross. Once: after the cut, bytes flow uncounted. Replaces a
   * count in progress.
   */
  public void cutAfter(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("cut after " + bytes + " bytes: use cutAll");
    }
    tripwire.arm(bytes);
  }

  /** Forgets a {@link #cutAfter} not yet reached. */
  public void cancelCut() {
    tripwire.disarm();
  }

  /** While true, resets every new connection at once (the target never sees it). */
  public void refuse(boolean refuse) {
    refusing = refuse;
  }

  /**
   * Bytes written to the server, every connection together; counted as the write begins, so a
   * failed write may count up to 64 KiB the server never got.
   */
  public long bytesToServer() {
    return toServer.delivered();
  }

  /** Bytes written to clients, every connection together, counted as the write begins. */
  public long bytesToClient() {
    return toClient.delivered();
  }

  /** Connections accepted and forwarded (refused ones aside). */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Connections reset on arrival while {@link #refuse refusing}. */
  public long connectionsRefused() {
    return refused.get();
  }

  /** Connections cut by {@link #cutAll} or {@link #cutAfter}. */
  public long cuts() {
    return cuts.get();
  }

  /** Connections live now. */
  public int liveConnections() {
    return connections.size();
  }

  /** Bytes the link holds now: read from one side and not yet written to the other. */
  public long bufferedBytes() {
    long sum = 0;
    for (WanConnection c : connections) {
      sum += c.buffered();
    }
    return sum;
  }

  /** The most bytes one direction of one connection has held at once; never over the buffer. */
  public long peakBuffered() {
    return Math.max(toServer.peakBuffered(), toClient.peakBuffered());
  }

  /** Zeroes the byte counts, the connection counts, the cuts and the peak. */
  public void resetCounters() {
    toServer.resetCounters();
    toClient.resetCounters();
    accepted.set(0);
    refused.set(0);
    cuts.set(0);
  }

  /** Stops listening, resets every connection, and waits for every thread the link started. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    acceptor.join(JOIN_MILLIS);
    for (WanConnection c : List.copyOf(connections)) {
      c.abort();
    }
    // A thread is in the set from before it starts until it is seen dead, so that this waits
    // for its very end (a thread that took itself out in its last lines would still be alive).
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
    for (Thread t : List.copyOf(threads)) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    threads.removeIf(t -> !t.isAlive());
  }

  InetSocketAddress target() {
    return target;
  }

  Lane toServerLane() {
    return toServer;
  }

  Lane toClientLane() {
    return toClient;
  }

  Tripwire tripwire() {
    return tripwire;
  }

  /** The {@link #cutAfter} count is reached: cuts, then lets bytes flow uncounted. */
  void cutNow() {
    cutAll();
    tripwire.disarm();
  }

  void forget(WanConnection c) {
    connections.remove(c);
  }

  /** Starts a daemon thread that the link's {@link #close} waits for. */
  void spawn(String name, Runnable work) {
    threads.removeIf(dead -> !dead.isAlive()); // those of connections that ended
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** No Nagle (a delayed small write would add to the delay), and small fixed buffers. */
  static void tune(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    s.setReceiveBufferSize(SOCKET_BUFFER);
    s.setSendBufferSize(SOCKET_BUFFER);
  }

  private void accept() {
    while (!closing) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (refusing) {
        refused.incrementAndGet();
        WanConnection.reset(client);
        continue;
      }
      try {
        client.setTcpNoDelay(true);
        client.setSendBufferSize(SOCKET_BUFFER);
      } catch (IOException e) {
        WanConnection.reset(client);
        continue;
      }
      accepted.incrementAndGet();
      String name = "wan-link " + port() + " #" + ids.incrementAndGet();
      WanConnection c = new WanConnection(this, client, name, capacity);
      connections.add(c);
      spawn(name + " to-server read", c::run);
    }
  }
}
