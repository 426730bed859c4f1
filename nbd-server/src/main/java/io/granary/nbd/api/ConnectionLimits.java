package io.granary.nbd.api;

import java.time.Duration;

/**
 * What one client may hold of a listener: connections open at once in all and per client (a
 * TCP client is its IP address, a Unix-socket client its peer's user id), requests in flight
 * on one connection, and how long its handshake may last in all. A connection over either
 * connection limit is closed before the greeting; a connection at its request limit is no
 * longer read from until half its requests are answered; a handshake still going at
 * {@code maxHandshake} is closed however busy it keeps. Every bound is positive.
 */
public record ConnectionLimits(
    int maxConnections,
    int maxConnectionsPerClient,
    int maxRequestsInFlight,
    Duration maxHandshake) {

  /**
   * 16384 connections, 256 per client, 256 requests in flight per connection, 5 minutes of
   * handshake. A client is a whole hypervisor host (every VM disk on it shares its address),
   * which opens one connection per disk, several with multi-conn; Linux's nbd driver keeps at
   * most 128 requests per connection, qemu 16, nbdcopy 64, so the request bound never slows
   * them. {@code nbdinfo --list} asks about every export on one connection: 5 minutes covers
   * tens of thousands of exports, yet ends a client that trickles options to hold its socket.
   */
  public static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(16384, 256, 256, Duration.ofMinutes(5));

  public ConnectionLimits {
    if (maxConnections < 1
        || maxConnectionsPerClient < 1
        || maxRequestsInFlight < 1
        || maxHandshake.isNegative()
        || maxHandshake.isZero()) {
      throw new IllegalArgumentException(
          "connection, request and handshake limits must be " + "positive");
    }
  }

  public ConnectionLimits withMaxConnections(int n) {
    return new ConnectionLimits(n, maxConnectionsPerClient, maxRequestsInFlight, maxHandshake);
  }

  public ConnectionLimits withMaxConnectionsPerClient(int n) {
    return new ConnectionLimits(maxConnections, n, maxRequestsInFlight, maxHandshake);
  }

  public ConnectionLimits withMaxRequestsInFlight(int n) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerClient, n, maxHandshake);
  }

  public ConnectionLimits withMaxHandshake(Duration d) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerClient, maxRequestsInFlight, d);
  }
}
