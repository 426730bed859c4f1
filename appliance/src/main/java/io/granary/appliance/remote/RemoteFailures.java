package io.granary.appliance.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * How a failed call to a peer reads: one {@link RemoteException} per way it fails, naming the
 * remote and where it was looked for. The JDK reports a refused connection, a changed
 * certificate and a timeout as exceptions wrapped in others; this walks the causes to say which.
 */
final class RemoteFailures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RemoteFailures() {}

  /** The failure of a call that got no answer from {@code name} at {@code url}. */
  static RemoteException transport(
      String name, URI url, IOException e, Duration connectTimeout, Duration answerTimeout) {
    String where = "cannot reach " + name + " at " + url + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RemoteException r) {
        return r; // an answer already read as a failure, come back through the client
      }
      if (t instanceof CertificateChangedException c) {
        return fail(
            RemoteException.Kind.CERTIFICATE_CHANGED,
            "certificate of " + name + " changed: " + c.getMessage(),
            e);
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return fail(RemoteException.Kind.UNREACHABLE, where + "unknown host " + url.getHost(), e);
      }
    }
    if (e instanceof HttpConnectTimeoutException) {
      return noConnection(name, url, connectTimeout, e);
    }
    if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
      return fail(
          RemoteException.Kind.UNREACHABLE,
          name + " at " + url + " did not answer within " + answerTimeout.toSeconds() + " s",
          e);
    }
    if (e instanceof SSLException) {
      // Most often the port is not a TLS listener, or not granaryd's admin.tcp one.
      return fail(
          RemoteException.Kind.UNREACHABLE,
          where + "TLS failed (" + e.getMessage() + "); is it the peer's admin.tcp listener?",
          e);
    }
    if (e instanceof ConnectException) {
      String why = e.getMessage() == null ? "connection refused" : e.getMessage();
      return fail(RemoteException.Kind.UNREACHABLE, where + lower(why), e);
    }
    return fail(
        RemoteException.Kind.UNREACHABLE,
        "the call to "
            + name
            + " at "
            + url
            + " failed: "
            + (e.getMessage() == null ? e : e.getMessage()),
        e);
  }

  /** A TCP connection to {@code name} that did not open within {@code timeout}. */
  static RemoteException noConnection(String name, URI url, Duration timeout, IOException e) {
    return fail(
        RemoteException.Kind.UNREACHABLE,
        "cannot reach "
            + name
            + " at "
            + url
            + ": no connection within "
            + timeout.toSeconds()
            + " s",
        e);
  }

  /**
   * The failure a peer answered: {@code status} (400 or more) and its problem body, if any.
   * Granary's admission answers a bad token with 403 (docs/api.md), as a route answers a call it
   * forbids; only the detail tells them apart.
   */
  static RemoteException answered(String name, int status, byte[] body) {
    String detail = detail(body);
    if (status == 401 || (status == 403 && detail != null && detail.contains("bearer token"))) {
      return new RemoteException(
          RemoteException.Kind.TOKEN_REFUSED,
          status,
          name + " refused the token (HTTP " + status + ")",
          null);
    }
    return new RemoteException(
        RemoteException.Kind.REFUSED,
        status,
        name + " answered HTTP " + status + (detail == null ? "" : ": " + detail),
        null);
  }

  /** The {@code detail} of a problem body, or null when it is not one. */
  private static String detail(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      String d = JSON.readTree(body).path("detail").asText(null);
      return d == null || d.isBlank() ? null : d;
    } catch (IOException e) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      return text.isEmpty() || text.length() > 200 ? null : text;
    }
  }

  private static RemoteException fail(RemoteException.Kind kind, String message, Throwable cause) {
    return new RemoteException(kind, 0, message, cause);
  }

  private static String lower(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
  }
}
