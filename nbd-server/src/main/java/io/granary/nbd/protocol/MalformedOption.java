package io.granary.nbd.protocol;

/** Option data that does not parse: answered NBD_REP_ERR_INVALID, and the handshake goes on. */
public final class MalformedOption extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedOption(String message) {
    super(message);
  }
}
