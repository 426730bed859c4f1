package io.granary.nbd.protocol;

/** The flags exchanged right after the greeting: the server's 16 bits and the client's 32. */
public final class HandshakeFlags {
  /** Server: it speaks fixed newstyle. */
  public static final int FIXED_NEWSTYLE = 1;

  /** Server: it may omit the 124 zero bytes after an EXPORT_NAME reply. */
  public static final int NO_ZEROES = 1 << 1;

  /** Client: it speaks fixed newstyle. */
  public static final int C_FIXED_NEWSTYLE = 1;

  /** Client: leave out the 124 zero bytes. */
  public static final int C_NO_ZEROES = 1 << 1;

  private static final int KNOWN_CLIENT_FLAGS = C_FIXED_NEWSTYLE | C_NO_ZEROES;

  private HandshakeFlags() {}

  /**
   * Checks the client's flags: the spec requires dropping a client that sets a bit we did not
   * offer, and this server speaks fixed newstyle only.
   */
  public static int checkClientFlags(int clientFlags) throws ProtocolViolation {
    if ((clientFlags & ~KNOWN_CLIENT_FLAGS) != 0) {
      throw new ProtocolViolation(
          "client flags 0x"
              + Integer.toHexString(clientFlags)
              + " set bits this server does not know");
    }
    if ((clientFlags & C_FIXED_NEWSTYLE) == 0) {
      throw new ProtocolViolation(
          "client does not speak fixed newstyle; oldstyle and plain newstyle are not supported");
    }
    return clientFlags;
  }
}
