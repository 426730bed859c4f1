package io.granary.nbd.protocol;

/**
 * Bytes that break the framing (bad magic, an impossible length, an unknown client flag): the
 * only answer is to close that connection.
 */
public final class ProtocolViolation extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolViolation(String message) {
    super(message);
  }
}
