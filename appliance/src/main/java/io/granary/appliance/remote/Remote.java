package io.granary.appliance.remote;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Locale;

/**
 * A peer appliance this one replicates to: its admin API's TLS listener, and the fingerprint of
 * the certificate it must present there. Its token is kept apart ({@link Remotes#token}), so this
 * record can be shown and logged freely.
 *
 * @param name follows the naming rule of pools ({@link Names})
 * @param url {@code https://HOST:PORT}, nothing after the port
 * @param bandwidthLimit bytes per second replication to it may use, 0 for no limit (the
 *     replication streams to it are paced to it)
 * @param created when it was added
 */
public record Remote(
    String name, URI url, Fingerprint fingerprint, long bandwidthLimit, Instant created) {

  public Remote {
    try {
      Names.check("remote", name);
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!url.equals(url(url.toString()))) {
      throw new IllegalArgumentException("not a remote's URL: " + url);
    }
    if (bandwidthLimit < 0) {
      throw new IllegalArgumentException("a bandwidth limit cannot be negative");
    }
    if (fingerprint == null || created == null) {
      throw new IllegalArgumentException("a remote needs a fingerprint and a creation time");
    }
  }

  /**
   * The URL of a peer's admin API, {@code https://HOST:PORT} (port 443 when none is given).
   * Anything else is refused: plain HTTP would show the token to the network, and the API lives
   * at the root of its listener.
   */
  public static URI url(String text) {
    URI u;
    try {
      u = new URI(text == null ? "" : text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: '" + text + "'");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http")) {
      throw new IllegalArgumentException(
          "http:// is refused: a remote is reached over TLS with a token; "
              + "use https://HOST:PORT of the peer's admin.tcp listener");
    }
    if (!scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException(
          "a remote's URL reads https://HOST:PORT, not '" + text + "'");
    }
    boolean bare =
        u.getRawUserInfo() == null
            && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
            && u.getRawQuery() == null
            && u.getRawFragment() == null;
    if (!bare) {
      throw new IllegalArgumentException(
          "a remote's URL is https://HOST:PORT with nothing more, not '" + text + "'");
    }
    int port = u.getPort() == -1 ? 443 : u.getPort();
    return URI.create("https://" + u.getRawAuthority().replaceAll(":[0-9]*$", "") + ":" + port);
  }
}
