package io.granary.testing;

import java.io.IOException;
import java.net.Socket;

/**
 * One client connection through a {@link WanLink} and its own connection to the target: a
 * {@link Pipe} each way, four threads (a reader and a writer each way).
 *
 * <p>It ends closed (FIN to both sides) once both directions have passed their end on, or aborted
 * (RST to both sides at once) by a cut, a reset of either side reaching the other, a failed
 * write, a target that cannot be reached, or the link's close. Either way it closes its pipes
 * first, which ends their threads' waits, then its sockets, which ends their reads and writes.
 */
final class WanConnection {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final WanLink link;
  private final Socket client;
  private final String name;
  private final Pipe toServer;
  private final Pipe toClient;
  private Socket server; // guarded by this; null until connected
  private boolean done; // guarded by this
  private int ends; // guarded by this: directions whose end has been passed on

  WanConnection(WanLink link, Socket client, String name, long capacity) {
    this.link = link;
    this.client = client;
    this.name = name;
    this.toServer = new Pipe(this, link.toServerLane(), link.tripwire(), capacity);
    this.toClient = new Pipe(this, link.toClientLane(), link.tripwire(), capacity);
  }

  WanLink link() {
    return link;
  }

  /**
   * The first thread's work: connects to the target, starts the three other threads, and then
   * reads from the client.
   */
  void run() {
    Socket s = new Socket();
    try {
      WanLink.tune(s);
      s.connect(link.target(), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      reset(s);
      abort(); // the target is down: the client sees a reset
      return;
    }
    synchronized (this) {
      if (done) {
        reset(s);
        return;
      }
      server = s;
      link.spawn(name + " to-client read", () -> toClient.read(s));
      link.spawn(name + " to-server write", () -> toServer.write(s));
      link.spawn(name + " to-client write", () -> toClient.write(client));
    }
    toServer.read(client);
  }

  /** Resets both sides at once; false if the connection had ended already. */
  boolean abort() {
    Socket s;
    synchronized (this) {
      if (done) {
        return false;
      }
      done = true;
      s = server;
    }
    toServer.close();
    toClient.close();
    reset(client);
    reset(s);
    link.forget(this);
    return true;
  }

  /** One direction has passed its end on; after both, the connection closes. */
  void ended() {
    Socket s;
    synchronized (this) {
      if (done || ++ends < 2) {
        return;
      }
      done = true;
      s = server;
    }
    toServer.close();
    toClient.close();
    closeQuietly(client);
    closeQuietly(s);
    link.forget(this);
  }

  /** Bytes read and not yet written, both ways. */
  long buffered() {
    return toServer.buffered() + toClient.buffered();
  }

  /** Closes with a reset (RST) rather than a FIN: SO_LINGER on, with a zero timeout. */
  static void reset(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // closed already, or not connected: closing is all there is to do
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
