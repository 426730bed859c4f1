package io.granary.nbd.protocol;

import java.nio.ByteBuffer;

/**
 * One transmission-phase request header. {@code type} is kept raw so that an unknown command
 * can still be answered (EINVAL) with its cookie.
 */
public record NbdRequest(int flags, int type, long cookie, long offset, long length) {
  public static final int LENGTH = 28;

  /** Decodes a header from the next 28 bytes of {@code in}. */
  public static NbdRequest decode(ByteBuffer in) throws ProtocolViolation {
    int magic = in.getInt();
    if (magic != NbdMagic.REQUEST) {
      throw new ProtocolViolation("bad request magic 0x" + Integer.toHexString(magic));
    }
    int flags = Short.toUnsignedInt(in.getShort());
    int type = Short.toUnsignedInt(in.getShort());
    long cookie = in.getLong();
    long offset = in.getLong();
    long length = Integer.toUnsignedLong(in.getInt());
    return new NbdRequest(flags, type, cookie, offset, length);
  }

  /** The command, or {@code null} if this server does not know the type. */
  public NbdCommand command() {
    return NbdCommand.fromCode(type);
  }

  /** Whether payload bytes follow this header on the wire (only WRITE has them). */
  public boolean hasPayload() {
    return type == NbdCommand.WRITE.code();
  }

  public boolean has(CommandFlag flag) {
    return flag.in(flags);
  }
}
