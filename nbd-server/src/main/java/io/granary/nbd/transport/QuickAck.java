package io.granary.nbd.transport;

import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP_QUICKACK during the handshake. Clients that write an option's header and data in two
 * sends without TCP_NODELAY (qemu-nbd --list does) hold the data back until the header is
 * acknowledged, and Linux delays that ACK by 40 ms while the server has nothing to say yet.
 * The kernel drops quick-ACK mode on its own, so it is asked again after every read.
 */
final class QuickAck {
  private static final Logger LOG = Logger.getLogger(QuickAck.class.getName());
  private static volatile boolean supported = ExtendedSocketOptions.TCP_QUICKACK != null;

  private QuickAck() {}

  static void request(Channel channel) {
    if (!supported || !(channel instanceof SocketChannel) || !channel.isActive()) {
      return;
    }
    try {
      channel
          .config()
          .setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK), Boolean.TRUE);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof UnsupportedOperationException
          || e instanceof UnsupportedOperationException) {
        // Not Linux: give up for good, and say so once.
        supported = false;
        LOG.info(
            "TCP_QUICKACK is not available here: NBD handshakes of clients without"
                + " TCP_NODELAY will wait for delayed ACKs");
      }
      // Otherwise the peer went away between the read and now: nothing to speed up.
    }
  }
}
