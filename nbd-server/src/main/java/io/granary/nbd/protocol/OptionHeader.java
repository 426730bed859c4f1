package io.granary.nbd.protocol;

import java.nio.ByteBuffer;

/** The 16-byte head of an option request: magic, option code, length of the data that follows. */
public record OptionHeader(int code, long length) {
  public static final int LENGTH = 16;

  /** Decodes the head from the next 16 bytes of {@code in}. */
  public static OptionHeader decode(ByteBuffer in) throws ProtocolViolation {
    long magic = in.getLong();
    if (magic != NbdMagic.IHAVEOPT) {
      throw new ProtocolViolation("bad option magic 0x" + Long.toHexString(magic));
    }
    int code = in.getInt();
    long length = Integer.toUnsignedLong(in.getInt());
    return new OptionHeader(code, length);
  }

  /** The option, or {@code null} for one this server does not know. */
  public NbdOption option() {
    return NbdOption.fromCode(code);
  }
}
