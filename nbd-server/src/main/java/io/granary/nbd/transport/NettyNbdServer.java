package io.granary.nbd.transport;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.NbdServer;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.session.AccessPolicy;
import io.granary.nbd.session.ConnectionQuota;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The listener: Netty event loops accept and frame every connection (thousands of idle ones
 * cost no thread), a fixed pool of I/O threads runs the volume work. A connection past the
 * listener's or its client's connection limit is closed as soon as it is accepted, before the
 * greeting: NBD has no message to refuse a client with before it, and a refusal must cost
 * the server as little as possible when a client retries in a loop.
 */
public final class NettyNbdServer implements NbdServer {
  private static final Logger LOG = Logger.getLogger(NettyNbdServer.class.getName());

  /** At most one line per this long about refused connections, however many there are. */
  private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

  private final EventLoopGroup boss;
  private final EventLoopGroup loops;
  private final ExecutorService io;
  private final ChannelGroup listeners = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<SocketAddress> addresses = new ArrayList<>();
  private final Path unixSocket;
  private final ConnectionQuota quota;
  private final RefusalLog refusals = new RefusalLog(LOG, REFUSAL_LOG_INTERVAL, System::nanoTime);

  private NettyNbdServer(NbdServerConfig config) {
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.loops =
        new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    this.io = ioExecutor(config.ioThreads());
    this.unixSocket = config.unixSocket();
    this.quota =
        new ConnectionQuota(
            config.limits().maxConnections(), config.limits().maxConnectionsPerClient());
  }

  /** Binds every configured address, or binds none and fails. */
  public static NbdServer start(NbdServerConfig config, ExportCatalog catalog) throws IOException {
    SslContext ssl = TlsContexts.build(config.tls());
    AccessPolicy access = new AccessPolicy(config.access());
    NettyNbdServer server = new NettyNbdServer(config);
    try {
      for (InetSocketAddress address : config.listen()) {
        server.bind(NioServerSocketChannel.class, address, config, catalog, access, ssl, true);
      }
      if (config.unixSocket() != null) {
        Files.deleteIfExists(config.unixSocket());
        server.bind(
            NioServerDomainSocketChannel.class,
            UnixDomainSocketAddress.of(config.unixSocket()),
            config,
            catalog,
            access,
            ssl,
            false);
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info("NBD listening on " + server.addresses);
    return server;
  }

  private void bind(
      Class<? extends ServerChannel> type,
      SocketAddress address,
      NbdServerConfig config,
      ExportCatalog catalog,
      AccessPolicy access,
      SslContext ssl,
      boolean tcp)
      throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, loops)
            .channel(type)
            // Netty 4.2's default (adaptive) allocator at times gave each large read reply copied
            // to the socket new, zeroed direct memory: a third to over half of the daemon's CPU
            // during nbdcopy out of a warm volume (async-profiler); the pooled one reuses it.
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (!admit(ch)) {
                      return;
                    }
                    connections.add(ch);
                    addConnectionHandlers(ch, catalog, access, config, ssl, io);
                  }
                });
    if (tcp) {
      // From the first byte of the greeting: without it, handshakes stall on delayed ACKs.
      b.childOption(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_REUSEADDR, true);
    }
    Channel ch;
    try {
      ch = b.bind(address).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + address, e);
    } catch (Exception e) {
      throw new IOException("cannot listen for NBD on " + address + ": " + e.getMessage(), e);
    }
    listeners.add(ch);
    addresses.add(ch.localAddress());
  }

  /** Counts {@code ch} against its client and the listener, or closes it if over a limit. */
  private boolean admit(Channel ch) {
    String client = ClientKeys.of(ch);
    ConnectionQuota.Admission admission = quota.admit(client);
    if (admission == ConnectionQuota.Admission.ADMITTED) {
      ch.closeFuture().addListener(f -> quota.release(client));
      return true;
    }
    refusals.refused(
        client,
        admission == ConnectionQuota.Admission.OVER_CLIENT
            ? quota.maxPerClient() + " connections from this client are open (its limit)"
            : quota.maxTotal() + " connections are open (the listener's limit)");
    ch.close();
    return false;
  }

  /**
   * The handlers of one client connection. Apart from the listener so that the fuzz tests drive
   * exactly this pipeline on an embedded channel, without a socket.
   */
  static void addConnectionHandlers(
      Channel ch,
      ExportCatalog catalog,
      AccessPolicy access,
      NbdServerConfig config,
      SslContext ssl,
      Executor io) {
    NbdFrameDecoder decoder = new NbdFrameDecoder();
    ch.pipeline().addLast("frames", decoder);
    InFlightWindow window =
        new InFlightWindow(config.limits().maxRequestsInFlight(), config.maxInFlightBytes());
    ch.pipeline()
        .addLast(
            "nbd",
            new NbdConnection(
                catalog,
                access,
                config.tls().mode(),
                ssl,
                io,
                window,
                config.handshakeTimeout(),
                config.limits().maxHandshake(),
                decoder));
  }

  private static ExecutorService ioExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "nbd-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public List<SocketAddress> addresses() {
    return List.copyOf(addresses);
  }

  @Override
  public int connections() {
    return connections.size();
  }

  @Override
  public long refusedConnections() {
    return refusals.count();
  }

  @Override
  public void close() {
    listeners.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    io.shutdown();
    try {
      if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warning("NBD I/O threads still busy after 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    if (unixSocket != null) {
      try {
        Files.deleteIfExists(unixSocket);
      } catch (IOException e) {
        LOG.warning("cannot remove " + unixSocket + ": " + e.getMessage());
      }
    }
  }
}
