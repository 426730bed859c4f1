package io.granary.nbd.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who is on the other end of a connection, as access rules see it: the peer address (a Unix
 * socket peer has none) and, after TLS with a client certificate, its subject DN.
 */
public record ClientIdentity(SocketAddress remote, String certificateSubject) {

  /** The IP address, or {@code null} for a Unix-socket peer. */
  public InetAddress inetAddress() {
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  public ClientIdentity withSubject(String subject) {
    return new ClientIdentity(remote, subject);
  }

  @Override
  public String toString() {
    String who =
        remote instanceof InetSocketAddress inet
            ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
            : "unix";
    return certificateSubject == null ? who : who + " (" + certificateSubject + ")";
  }
}
