package io.granary.dedupe.pack;

/** A record that exists but fails verification: wrong header, checksum or length. */
public final class RecordDamagedException extends Exception {
  private static final long serialVersionUID = 1L;

  public RecordDamagedException(String message) {
    super(message);
  }
}
