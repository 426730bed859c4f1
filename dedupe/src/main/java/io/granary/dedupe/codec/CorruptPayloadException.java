package io.granary.dedupe.codec;

/** A stored payload that does not decode to its recorded raw length. */
public final class CorruptPayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  public CorruptPayloadException(String message) {
    super(message);
  }
}
