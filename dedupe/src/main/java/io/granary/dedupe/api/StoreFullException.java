package io.granary.dedupe.api;

/** The medium ran out of space; the failed put left nothing behind and the store stays usable. */
public final class StoreFullException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreFullException(String message, Throwable cause) {
    super(Kind.NO_SPACE, message, cause);
  }
}
