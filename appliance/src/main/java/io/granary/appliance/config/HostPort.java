package io.granary.appliance.config;

import java.net.InetSocketAddress;

/** A {@code HOST:PORT} from the configuration (an IPv6 host in brackets), checked once. */
public record HostPort(String host, int port) {

  /**
   * Parses {@code value}; {@code what} names the setting in the message.
   *
   * @throws IllegalArgumentException if it is not {@code HOST:PORT} with a port 0 to 65535
   */
  public static HostPort parse(String what, String value) {
    int colon = value.lastIndexOf(':');
    if (colon > 0) {
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (port >= 0 && port <= 65535) {
          return new HostPort(value.substring(0, colon).replaceAll("^\\[|\\]$", ""), port);
        }
      } catch (NumberFormatException e) {
        // falls through to the message
      }
    }
    throw new IllegalArgumentException(what + ": '" + value + "' is not HOST:PORT");
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }
}
