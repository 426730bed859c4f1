package io.granary.nbd.protocol;

import java.nio.ByteBuffer;

/** The 18 bytes a server sends first: NBDMAGIC, IHAVEOPT and the handshake flags. */
public final class Greeting {
  public static final int LENGTH = 18;

  private Greeting() {}

  public static ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.putLong(NbdMagic.NBDMAGIC).putLong(NbdMagic.IHAVEOPT);
    b.putShort((short) (HandshakeFlags.FIXED_NEWSTYLE | HandshakeFlags.NO_ZEROES));
    return b.flip();
  }
}
