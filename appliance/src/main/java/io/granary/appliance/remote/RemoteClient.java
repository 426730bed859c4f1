package io.granary.appliance.remote;

import io.granary.appliance.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Calls a remote's admin API: HTTPS to its URL, trusting only its pinned certificate ({@link
 * PinnedTrustManager}), with its bearer token. Bodies stream both ways ({@link #send}); every
 * failure is a {@link RemoteException} that says what happened in words.
 *
 * <p>Design note: one JDK {@link HttpClient} per instance, HTTP/1.1 (the admin listener speaks
 * only that), no proxy, no redirects (a redirect could take the token elsewhere). The answer
 * timeout runs until an answer's headers arrive, so it covers sending a request body but not
 * reading a streamed answer; a long upload passes its own. On Java 17 the client cannot be
 * closed: its threads end once it is no longer referenced, so keep one per remote and task.
 */
public final class RemoteClient {
  /** How long a TCP and TLS connection may take. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a call may wait for its answer's headers unless it says otherwise. */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  /** The largest error answer read for its detail; a longer one is dropped unread. */
  private static final int MAX_PROBLEM = 64 << 10;

  /** What an HTTP header may carry, and then some: visible ASCII, no spaces. */
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

  private final Remote remote;
  private final String token;
  private final HttpClient http;

  public RemoteClient(Remote remote, String token) {
    this.remote = remote;
    this.token = checkToken(token);
    this.http =
        HttpClient.newBuilder()
            .sslContext(PinnedTrustManager.context(remote.fingerprint()))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
  }

  /** {@code token} if it can be sent as a bearer token; an IllegalArgumentException if not. */
  static String checkToken(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException(
          "a token is 1 to 4096 visible ASCII characters without spaces");
    }
    return token;
  }

  public Remote remote() {
    return remote;
  }

  /** {@link #send(String, String, BodyPublisher, BodyHandler, Duration)} with the default wait. */
  public <T> HttpResponse<T> send(
      String method, String path, BodyPublisher body, BodyHandler<T> handler)
      throws RemoteException, InterruptedException {
    return send(method, path, body, handler, ANSWER_TIMEOUT);
  }

  /**
   * Calls {@code method path} on the remote, {@code body} streamed out (null for none) and the
   * answer handed to {@code handler}, which sees only answers below 400: an error answer is a
   * {@link RemoteException} of kind {@code TOKEN_REFUSED} or {@code REFUSED} with its status and
   * the peer's detail, and no answer one of kind {@code UNREACHABLE} or {@code
   * CERTIFICATE_CHANGED}.
   *
   * @param path from the root of the peer's listener, e.g. {@code /api/v1/status}
   * @param timeout how long to wait for the answer's headers, request body included
   */
  public <T> HttpResponse<T> send(
      String method, String path, BodyPublisher body, BodyHandler<T> handler, Duration timeout)
      throws RemoteException, InterruptedException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a path on a remote starts with '/': " + path);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(remote.url() + path))
            .method(method, body == null ? BodyPublishers.noBody() : body)
            .header("Authorization", "Bearer " + token)
            .header("User-Agent", "granaryd/" + Version.current())
            .timeout(timeout)
            .build();
    try {
      return http.send(request, refusingErrors(handler));
    } catch (IOException e) {
      throw RemoteFailures.transport(remote.name(), remote.url(), e, CONNECT_TIMEOUT, timeout);
    }
  }

  /**
   * {@code handler} for answers below 400; for others, a subscriber that reads a bounded problem
   * body and fails with it, so that no error body reaches the caller's sink (a file, a stream).
   */
  private <T> BodyHandler<T> refusingErrors(BodyHandler<T> handler) {
    return info -> {
      if (info.statusCode() < 400) {
        return handler.apply(info);
      }
      long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      BodySubscriber<byte[]> problem =
          length >= 0 && length <= MAX_PROBLEM
              ? BodySubscribers.ofByteArray()
              : BodySubscribers.replacing(new byte[0]);
      return BodySubscribers.mapping(
          problem,
          bytes -> {
            // Surfaces from send() as the cause of an IOException; transport() unwraps it.
            throw new UncheckedIOException(
                RemoteFailures.answered(remote.name(), info.statusCode(), bytes));
          });
    };
  }
}
