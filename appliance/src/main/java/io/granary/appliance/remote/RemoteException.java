package io.granary.appliance.remote;

import java.io.IOException;

/**
 * A remote that is not there (or already is), or a peer that could not be reached, presented
 * another certificate, refused the token or refused the call. The admin API answers the first two
 * as {@code not-found} and {@code exists}, the others as {@code remote}; replication can retry on
 * {@link Kind#UNREACHABLE} and stop on the rest.
 */
public final class RemoteException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No remote has that name. */
    NOT_FOUND,
    /** A remote already has that name. */
    EXISTS,
    /** No TLS connection, or no answer in time. */
    UNREACHABLE,
    /** The peer's certificate is not the pinned one. */
    CERTIFICATE_CHANGED,
    /** The peer answered that the token is not valid. */
    TOKEN_REFUSED,
    /** The peer answered the call with an error status ({@link #status}). */
    REFUSED
  }

  private final Kind kind;
  private final int status;

  public RemoteException(Kind kind, String message) {
    this(kind, 0, message, null);
  }

  RemoteException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status the peer answered, or 0 when it did not answer. */
  public int status() {
    return status;
  }
}
