package io.granary.appliance.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who may call the admin API, whatever the path: on the Unix socket the peer's credentials
 * ({@link PeerAccess}), on the TLS listener the bearer token.
 */
final class Admission {
  private final PeerAccess peers;
  private final byte[] token;

  Admission(PeerAccess peers, String token) {
    this.peers = peers;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** Who the caller is if it may use the API; a {@code forbidden} problem otherwise. */
  Caller admit(Request request) throws Exception {
    Object transport = request.getConnectionMetaData().getConnection().getEndPoint().getTransport();
    if (token != null && request.isSecure()) {
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      byte[] given =
          auth != null && auth.startsWith("Bearer ")
              ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8)
              : new byte[0];
      if (!MessageDigest.isEqual(given, token)) {
        throw new ProblemException(Problem.FORBIDDEN, "a valid bearer token is required");
      }
      return new Caller("token", false);
    }
    Caller caller = peers.admit(transport);
    if (caller == null) {
      throw new ProblemException(
          Problem.FORBIDDEN,
          "only root, the daemon's user and the admin group may use this socket");
    }
    return caller;
  }
}
