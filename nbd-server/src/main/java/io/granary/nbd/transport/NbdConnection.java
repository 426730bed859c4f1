package io.granary.nbd.transport;

import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.api.TlsMode;
import io.granary.nbd.protocol.Greeting;
import io.granary.nbd.protocol.HandshakeFlags;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import io.granary.nbd.protocol.ProtocolViolation;
import io.granary.nbd.session.AccessPolicy;
import io.granary.nbd.session.ClientIdentity;
import io.granary.nbd.session.HandshakeSession;
import io.granary.nbd.session.OptionOutcome;
import io.granary.nbd.session.TransmissionSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One client connection: feeds decoded frames to the handshake, then the transmission session,
 * and moves their replies to the socket. Requests run on the shared I/O executor so that an
 * idle connection costs no thread; the event loop only decodes, dispatches and writes. A
 * request its export's pacer delays waits on the event loop's timer ({@link PacingGate}), not
 * on an I/O thread, and counts against the in-flight bounds meanwhile ({@link InFlightWindow}).
 * Everything but {@link #reply} runs on the channel's event loop.
 */
final class NbdConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(NbdConnection.class.getName());
  private final ExportCatalog catalog;
  private final AccessPolicy access;
  private final TlsMode tlsMode;
  private final SslContext sslContext;
  private final Executor io;
  private final InFlightWindow window;
  private final Duration handshakeTimeout;
  private final Duration maxHandshake;
  private final NbdFrameDecoder decoder;

  private final Queue<QueuedReply> replies = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private ChannelHandlerContext ctx;
  private ClientIdentity client;
  private HandshakeSession handshake;
  private TransmissionSession transmission;
  private PacingGate pacing;
  private ScheduledFuture<?> handshakeTimer;
  private ScheduledFuture<?> handshakeDeadline;
  private boolean disconnecting;
  private boolean closed;

  NbdConnection(
      ExportCatalog catalog,
      AccessPolicy access,
      TlsMode tlsMode,
      SslContext sslContext,
      Executor io,
      InFlightWindow window,
      Duration handshakeTimeout,
      Duration maxHandshake,
      NbdFrameDecoder decoder) {
    this.catalog = catalog;
    this.access = access;
    this.tlsMode = tlsMode;
    this.sslContext = sslContext;
    this.io = io;
    this.window = window;
    this.handshakeTimeout = handshakeTimeout;
    this.maxHandshake = maxHandshake;
    this.decoder = decoder;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.client = new ClientIdentity(ctx.channel().remoteAddress(), null);
    armHandshakeTimer();
    // However busy it keeps, a handshake may not hold its socket forever.
    handshakeDeadline =
        ctx.executor()
            .schedule(
                () -> closeHandshake("still negotiating after", maxHandshake),
                maxHandshake.toMillis(),
                TimeUnit.MILLISECONDS);
    QuickAck.request(ctx.channel());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(Greeting.encode()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (transmission == null) {
      QuickAck.request(ctx.channel());
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Frame.ClientFlags f) {
        onClientFlags(f.flags());
      } else if (msg instanceof Frame.Option o) {
        onOption(o);
      } else if (msg instanceof Frame.Request r) {
        onRequest(r);
      }
    } catch (ProtocolViolation e) {
      LOG.warning("closing connection from " + client + ": " + e.getMessage());
      hangUp();
    }
  }

  /**
   * Closes because of what the client sent. The decoder is still cutting frames from the read
   * at hand, so it is told to drop them: what follows is not the client's protocol.
   */
  private void hangUp() {
    decoder.phase(NbdFrameDecoder.Phase.IGNORE);
    ctx.close();
  }

  private void onClientFlags(int flags) throws ProtocolViolation {
    HandshakeFlags.checkClientFlags(flags);
    handshake = new HandshakeSession(catalog, access, tlsMode, client, flags);
    decoder.phase(NbdFrameDecoder.Phase.OPTIONS);
  }

  /** The handshake may take long (a listing of thousands of exports) but never sit idle. */
  private void armHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    handshakeTimer =
        ctx.executor()
            .schedule(
                () -> closeHandshake("handshake idle for", handshakeTimeout),
                handshakeTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void onOption(Frame.Option option) {
    if (handshake == null) {
      return;
    }
    armHandshakeTimer();
    OptionOutcome outcome = handshake.handle(option.code(), option.data());
    switch (outcome.next()) {
      case CONTINUE -> send(outcome.replies());
      case CLOSE -> {
        decoder.phase(NbdFrameDecoder.Phase.IGNORE);
        sendThenClose(outcome.replies());
      }
      case START_TLS -> {
        if (decoder.buffered() > 0) {
          // The client must wait for the ACK before it starts TLS. Bytes already read behind
          // STARTTLS came in the clear, from the client or from anyone on the path, yet the
          // decoder would take them for the start of the encrypted session (the buffered
          // plaintext flaw of STARTTLS, CVE-2011-0411 in Postfix).
          LOG.warning(
              "closing connection from "
                  + client
                  + ": "
                  + decoder.buffered()
                  + " bytes in the clear behind NBD_OPT_STARTTLS");
          hangUp();
        } else {
          startTls(outcome);
        }
      }
      case TRANSMIT -> enterTransmission(outcome);
    }
  }

  private void startTls(OptionOutcome outcome) {
    SslHandler tls = sslContext.newHandler(ctx.alloc());
    // startTls: the ACK that precedes the TLS handshake must itself go out in the clear.
    SslHandler handler = new SslHandler(tls.engine(), true);
    ctx.pipeline().addFirst("tls", handler);
    send(outcome.replies());
    handler
        .handshakeFuture()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                LOG.info("TLS handshake with " + client + " failed: " + f.cause().getMessage());
                ctx.close();
                return;
              }
              handshake.tlsEstablished(peerSubject(handler));
              client = handshake.client();
            });
  }

  private static String peerSubject(SslHandler handler) {
    try {
      var certs = handler.engine().getSession().getPeerCertificates();
      if (certs.length > 0 && certs[0] instanceof X509Certificate x509) {
        return x509.getSubjectX500Principal().getName();
      }
    } catch (SSLPeerUnverifiedException e) {
      // No client certificate: only rules without subjects can admit this client.
    }
    return null;
  }

  private void enterTransmission(OptionOutcome outcome) {
    handshakeTimer.cancel(false);
    handshakeDeadline.cancel(false);
    transmission = new TransmissionSession(outcome.transmission(), client.toString());
    String export = transmission.export().name();
    pacing = new PacingGate(pacerFor(export), ctx.executor(), export + " for " + client);
    handshake = null;
    decoder.phase(NbdFrameDecoder.Phase.TRANSMISSION);
    send(outcome.replies());
    LOG.fine(() -> client + " opened " + transmission.export().name());
  }

  /** The export's pacer; none if the catalog cannot say, since the client already has GO's ACK. */
  private RequestPacer pacerFor(String export) {
    try {
      RequestPacer pacer = catalog.pacer(export);
      return pacer == null ? RequestPacer.NONE : pacer;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "no pacer for " + export + "; " + client + " runs unpaced", e);
      return RequestPacer.NONE;
    }
  }

  private void onRequest(Frame.Request frame) {
    if (transmission == null || disconnecting) {
      return;
    }
    if (frame.request().type() == NbdCommand.DISC.code()) {
      // No reply to DISC, but requests already received are finished first.
      disconnecting = true;
      decoder.phase(NbdFrameDecoder.Phase.IGNORE);
      ctx.channel().config().setAutoRead(false);
      closeWhenIdle();
      return;
    }
    window.add(frame);
    startWaiting();
  }

  /** Starts what the window lets start, and reads on only while it has room. */
  private void startWaiting() {
    for (Frame.Request frame; (frame = window.next()) != null; ) {
      start(frame);
    }
    if (!disconnecting && !closed) {
      ctx.channel().config().setAutoRead(window.readable());
    }
  }

  private void start(Frame.Request frame) {
    NbdRequest request = frame.request();
    TransmissionSession session = transmission;
    try {
      // A held request stays in flight: the bounds still stop reading (TCP backpressure on
      // a throttled client) and DISC still waits for it.
      pacing.admit(request, () -> dispatch(session, frame), () -> completed(request));
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down with the server.
      abandon(request);
    }
  }

  private void dispatch(TransmissionSession session, Frame.Request frame) {
    NbdRequest request = frame.request();
    long now = System.nanoTime();
    InlineRequests inline = InlineRequests.ofThisLoop();
    if (inline.admit(request, window.alone() && !decoder.hasUndecodedBytes(), now)
        && session.serveWithoutWaiting(request, frame.payload(), parts -> reply(parts, request))) {
      inline.served(now, System.nanoTime());
      NbdFrameDecoder.giveBack(frame);
      return;
    }
    try {
      io.execute(
          () -> {
            session.serve(request, frame.payload(), parts -> reply(parts, request));
            NbdFrameDecoder.giveBack(frame); // the volume copied the bytes before it returned
          });
    } catch (RejectedExecutionException e) {
      // The server is shutting down.
      abandon(request);
    }
  }

  /** The server is going away: nothing waiting will start, this request is over. */
  private void abandon(NbdRequest request) {
    window.clear();
    completed(request);
    ctx.close();
  }

  /**
   * Called on an I/O thread, or on the event loop for a request served inline ({@link
   * InlineRequests}), which writes at once. Replies queue up and one task on the event loop writes
   * every queued reply and flushes once: under a deep queue that is one wake-up and one socket
   * write for many replies. Each reply's budget returns once it is written.
   */
  private void reply(ByteBuffer[] parts, NbdRequest request) {
    replies.add(new QueuedReply(Unpooled.wrappedBuffer(parts), request));
    if (ctx.executor().inEventLoop()) {
      drainReplies(); // served inline: no task, no wake-up
    } else if (drainScheduled.compareAndSet(false, true)) {
      ctx.executor().execute(this::drainReplies);
    }
  }

  private void drainReplies() {
    drainScheduled.set(false);
    QueuedReply r;
    while ((r = replies.poll()) != null) {
      NbdRequest request = r.request();
      // Channel futures complete on the event loop, where completed() must run.
      ctx.write(r.bytes()).addListener(f -> completed(request));
    }
    ctx.flush();
  }

  private record QueuedReply(ByteBuf bytes, NbdRequest request) {}

  private void completed(NbdRequest request) {
    window.done(request);
    if (closed) {
      if (window.inFlight() == 0) {
        releaseVolume();
      }
      return;
    }
    startWaiting();
    if (disconnecting) {
      closeWhenIdle();
    }
  }

  private void closeWhenIdle() {
    if (window.idle()) {
      ctx.close();
    }
  }

  private void send(List<ByteBuffer> replies) {
    if (!replies.isEmpty()) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(replies.toArray(ByteBuffer[]::new)));
    }
  }

  private void sendThenClose(List<ByteBuffer> replies) {
    ctx.writeAndFlush(Unpooled.wrappedBuffer(replies.toArray(ByteBuffer[]::new)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void closeHandshake(String why, Duration after) {
    if (transmission == null && ctx.channel().isActive()) {
      LOG.info("closing connection from " + client + ": " + why + " " + after.toMillis() + " ms");
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeDeadline.cancel(false);
    }
    window.clear();
    if (pacing != null) {
      pacing.dropAll();
    }
    if (window.inFlight() == 0) {
      releaseVolume();
    }
    ctx.fireChannelInactive();
  }

  private void releaseVolume() {
    if (transmission != null) {
      TransmissionSession t = transmission;
      transmission = null;
      t.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof ProtocolViolation) {
      LOG.warning("closing connection from " + client + ": " + root.getMessage());
    } else if (root instanceof IOException) {
      LOG.fine(() -> "connection from " + client + " ended: " + root.getMessage());
    } else {
      LOG.log(Level.WARNING, "closing connection from " + client, root);
    }
    hangUp();
  }
}
