package io.granary.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** TCP ports for listeners that a test starts in another process (a daemon, a peer server). */
public final class FreePort {
  private FreePort() {}

  /**
   * A TCP port that no socket holds now. Another process may take it before the listener binds
   * it; a listener in the test's own JVM binds port 0 instead.
   */
  public static int pick() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
