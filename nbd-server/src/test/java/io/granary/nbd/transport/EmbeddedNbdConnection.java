package io.granary.nbd.transport;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.NbdServerConfig;
import io.granary.nbd.api.TlsSettings;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.session.AccessPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * One client connection through the server's own pipeline ({@link
 * NettyNbdServer#addConnectionHandlers}) on an embedded channel: no socket, no threads, time
 * stands still until advanced. Volume work waits in a queue until the test runs it, as behind a
 * slow disk; what the server writes is collected; the frames its decoder cuts are recorded.
 */
public final class EmbeddedNbdConnection implements AutoCloseable {

  /** One unit the frame decoder passed on, with its bytes; {@code data} null if skipped. */
  public sealed interface Received {}

  /** The client's flags. */
  public record FlagsReceived(int flags) implements Received {}

  /** An option and its data, or null for data beyond the limit that was skipped. */
  public record OptionReceived(int code, byte[] data) implements Received {}

  /** A request and its payload (a WRITE's), null if none or skipped. */
  public record RequestReceived(NbdRequest request, byte[] payload) implements Received {}

  private final EmbeddedChannel channel;
  private final Queue<Runnable> io = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  /** Connects: the server has sent its greeting when this returns. */
  public EmbeddedNbdConnection(ExportCatalog catalog, NbdServerConfig config, SslContext ssl) {
    AccessPolicy access = new AccessPolicy(config.access());
    channel =
        new EmbeddedChannel(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                NettyNbdServer.addConnectionHandlers(ch, catalog, access, config, ssl, io::add);
                ch.pipeline().addAfter("frames", "recorder", new Recorder());
              }
            });
    channel.freezeTime();
  }

  /** The server's TLS context for {@code settings}, built as the listener builds it. */
  public static SslContext tls(TlsSettings settings) throws IOException {
    return TlsContexts.build(settings);
  }

  /** The next bytes from the client, as one read from the socket. */
  public void receive(byte[] bytes) {
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
  }

  /** Whether the server would read from the socket now (open, and reading not paused). */
  public boolean reading() {
    return channel.isOpen() && channel.config().isAutoRead();
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  /** Volume work the connection handed to the I/O threads and that has not run yet. */
  public int queuedIo() {
    return io.size();
  }

  /** Runs the volume work queued so far (not what it queues in turn). */
  public void runIo() {
    for (int n = io.size(); n > 0; n--) {
      io.poll().run();
    }
  }

  /** Runs what is due on the event loop: writing replies, dispatching held requests. */
  public void runEventLoop() {
    channel.runPendingTasks();
  }

  /** Lets {@code time} pass on the event loop's clock and runs the timers it makes due. */
  public void advance(Duration time) {
    channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
    channel.runPendingTasks();
  }

  /** The client hangs up. */
  public void disconnect() {
    channel.close();
    channel.runPendingTasks();
  }

  /** Everything the server wrote, from its greeting on. */
  public byte[] sent() {
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      try {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        sent.writeBytes(bytes);
      } finally {
        b.release();
      }
    }
    return sent.toByteArray();
  }

  public List<Received> received() {
    return received;
  }

  /** Hangs up if the client has not, runs what is left, and releases every buffer. */
  @Override
  public void close() {
    disconnect();
    runIo();
    channel.runPendingTasks();
    channel.finishAndReleaseAll();
  }

  /** Notes each frame on its way from the decoder to the connection. */
  private final class Recorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Frame.ClientFlags f) {
        received.add(new FlagsReceived(f.flags()));
      } else if (msg instanceof Frame.Option o) {
        received.add(new OptionReceived(o.code(), o.data() == null ? null : bytes(o.data())));
      } else if (msg instanceof Frame.Request r) {
        received.add(
            new RequestReceived(r.request(), r.payload() == null ? null : r.payload().clone()));
      }
      ctx.fireChannelRead(msg);
    }

    private static byte[] bytes(ByteBuffer data) {
      ByteBuffer d = data.duplicate();
      byte[] b = new byte[d.remaining()];
      d.get(b);
      return b;
    }
  }
}
