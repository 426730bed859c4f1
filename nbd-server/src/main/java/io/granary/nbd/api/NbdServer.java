package io.granary.nbd.api;

import java.io.Closeable;
import java.net.SocketAddress;
import java.util.List;

/** A running NBD listener. Closing it stops accepting, ends every connection and waits. */
public interface NbdServer extends Closeable {

  /** The bound addresses: TCP ones with their real ports, then the Unix socket if any. */
  List<SocketAddress> addresses();

  /** Connections open right now, in handshake or transmission. */
  int connections();

  /** Connections closed as soon as accepted, over a connection limit, since the server started. */
  long refusedConnections();

  @Override
  void close();
}
