package io.granary.dedupe.pack;

/** Bytes that are not a valid pack header or chunk record; the message says which check failed. */
public final class RecordFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public RecordFormatException(String message) {
    super(message);
  }
}
