package io.granary.nbd.api;

/**
 * What one client may hold of a listener: connections open at once in all and per client (a
 * TCP client is its IP address, a Unix-socket client its peer's user id), and requests in
 * flight on one connection. A connection over either connection limit is closed before the
 * greeting; a connection at its request limit is no longer read from until half its requests
 * are answered. Every bound is at least 1.
 */
public record ConnectionLimits(
    int maxConnections, int maxConnectionsPerClient, int maxRequestsInFlight) {

  /**
   * 16384 connections, 256 per client, 256 requests in flight per connection. A client is a
   * whole hypervisor host (every VM disk on it shares its address), which opens one
   * connection per disk, several with multi-conn; Linux's nbd driver keeps at most 128
   * requests per connection, qemu 16, nbdcopy 64, so the request bound never slows them.
   */
  public static final ConnectionLimits DEFAULTS = new ConnectionLimits(16384, 256, 256);

  public ConnectionLimits {
    if (maxConnections < 1 || maxConnectionsPerClient < 1 || maxRequestsInFlight < 1) {
      throw new IllegalArgumentException("connection and request limits must be at least 1");
    }
  }

  public ConnectionLimits withMaxConnections(int n) {
    return new ConnectionLimits(n, maxConnectionsPerClient, maxRequestsInFlight);
  }

  public ConnectionLimits withMaxConnectionsPerClient(int n) {
    return new ConnectionLimits(maxConnections, n, maxRequestsInFlight);
  }

  public ConnectionLimits withMaxRequestsInFlight(int n) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerClient, n);
  }
}
