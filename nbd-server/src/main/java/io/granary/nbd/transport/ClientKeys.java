package io.granary.nbd.transport;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import java.net.InetSocketAddress;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who a connection counts against for the per-client limit: a TCP client is its IP address
 * (every port, so every VM of a hypervisor host, counts as one client); a Unix-socket client
 * is the user its peer runs as (SO_PEERCRED), so that local users do not share one count.
 */
final class ClientKeys {
  private ClientKeys() {}

  /** The IP address of a TCP peer, {@code unix:USER} of a Unix-socket one. */
  static String of(Channel ch) {
    if (ch.remoteAddress() instanceof InetSocketAddress inet) {
      return inet.getAddress().getHostAddress();
    }
    return unixPeer(ch);
  }

  private static String unixPeer(Channel ch) {
    try {
      UnixDomainPrincipal peer =
          ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
      if (peer != null) {
        return "unix:" + peer.user().getName();
      }
    } catch (RuntimeException e) {
      // Peer credentials unavailable: every such peer shares one count.
    }
    return "unix";
  }
}
