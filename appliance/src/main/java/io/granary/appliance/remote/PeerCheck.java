package io.granary.appliance.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.snapshots.api.Names;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;

/**
 * What granaryd asks of a peer: before keeping it as a remote ({@link #enrol}) that it presents
 * the certificate to pin and takes the token, and later ({@link #test}) that it still does. Both
 * ask {@code GET /api/v1/status}, the cheapest call that needs the token.
 */
public final class PeerCheck {
  private static final String STATUS = "/api/v1/status";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PeerCheck() {}

  /**
   * A peer that answered.
   *
   * @param peerVersion the version its status gave, or null
   * @param roundTripMillis how long the status call took, connection included
   */
  public record Status(Fingerprint fingerprint, String peerVersion, long roundTripMillis) {}

  /**
   * The remote {@code name} for the peer at {@code url}, pinned to the certificate it presents
   * now, or to {@code fingerprint} when one is given (then a peer presenting another is refused
   * before the token is sent). Refused unless the peer takes {@code token}. Keeps nothing: the
   * caller adds the result to {@link Remotes}.
   *
   * @param fingerprint {@code SHA256:...}, or null to trust the certificate seen now
   */
  public static Remote enrol(
      String name, String url, String token, String fingerprint, long bandwidthLimit, Instant now)
      throws IOException, InterruptedException {
    // Everything is checked before any connection: a bad argument never touches the peer.
    Names.check("remote", name);
    URI u = Remote.url(url);
    RemoteClient.checkToken(token);
    Fingerprint given = fingerprint == null ? null : Fingerprint.parse(fingerprint);
    if (bandwidthLimit < 0) {
      throw new IllegalArgumentException("a bandwidth limit cannot be negative");
    }
    Fingerprint presented = PeerCertificate.fetch(name, u, RemoteClient.CONNECT_TIMEOUT);
    if (given != null && !given.equals(presented)) {
      throw new RemoteException(
          RemoteException.Kind.CERTIFICATE_CHANGED,
          name
              + " at "
              + u
              + " presents certificate "
              + presented
              + ", not "
              + given
              + " as given");
    }
    Remote remote = new Remote(name, u, presented, bandwidthLimit, now);
    test(new RemoteClient(remote, token));
    return remote;
  }

  /** Whether the peer answers with its pinned certificate and takes the token, and how fast. */
  public static Status test(RemoteClient client) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> answer =
        client.send("GET", STATUS, null, HttpResponse.BodyHandlers.ofByteArray());
    long millis = (System.nanoTime() - start) / 1_000_000;
    String version;
    try {
      version = JSON.readTree(answer.body()).path("version").asText(null);
    } catch (IOException e) {
      version = null; // it took the token; what it says of itself is only informative
    }
    return new Status(client.remote().fingerprint(), version, millis);
  }
}
