package io.granary.nbd.protocol;

import java.nio.ByteBuffer;

/** Encoders for the fixed-newstyle option replies and the reply to NBD_OPT_EXPORT_NAME. */
public final class OptionReplies {
  private static final int HEADER = 20;
  private static final int MAX_MESSAGE = 1024;

  private OptionReplies() {}

  public static ByteBuffer ack(int option) {
    return header(option, OptionReplyType.ACK, 0).flip();
  }

  /** An error reply; the message is for humans and cut to a sane length. */
  public static ByteBuffer error(int option, OptionReplyType type, String message) {
    if (!type.isError()) {
      throw new IllegalArgumentException(type + " is not an error reply");
    }
    byte[] text = NbdStrings.bytes(message, MAX_MESSAGE);
    return header(option, type, text.length).put(text).flip();
  }

  /** One NBD_REP_SERVER entry of a LIST reply. */
  public static ByteBuffer server(String name, String description) {
    byte[] n = NbdStrings.bytes(name);
    byte[] d = NbdStrings.bytes(description);
    return header(NbdOption.LIST.code(), OptionReplyType.SERVER, 4 + n.length + d.length)
        .putInt(n.length)
        .put(n)
        .put(d)
        .flip();
  }

  public static ByteBuffer infoExport(int option, long size, int transmissionFlags) {
    return info(option, InfoType.EXPORT, 10)
        .putLong(size)
        .putShort((short) transmissionFlags)
        .flip();
  }

  public static ByteBuffer infoName(int option, String name) {
    byte[] n = NbdStrings.bytes(name);
    return info(option, InfoType.NAME, n.length).put(n).flip();
  }

  public static ByteBuffer infoDescription(int option, String description) {
    byte[] d = NbdStrings.bytes(description);
    return info(option, InfoType.DESCRIPTION, d.length).put(d).flip();
  }

  public static ByteBuffer infoBlockSize(int option, int minimum, int preferred, int maximum) {
    return info(option, InfoType.BLOCK_SIZE, 12)
        .putInt(minimum)
        .putInt(preferred)
        .putInt(maximum)
        .flip();
  }

  /** One NBD_REP_META_CONTEXT; the id is 0 in replies to LIST_META_CONTEXT. */
  public static ByteBuffer metaContext(int option, int id, String name) {
    byte[] n = NbdStrings.bytes(name);
    return header(option, OptionReplyType.META_CONTEXT, 4 + n.length).putInt(id).put(n).flip();
  }

  /** The reply that ends a successful NBD_OPT_EXPORT_NAME (no option-reply header). */
  public static ByteBuffer exportName(long size, int transmissionFlags, boolean noZeroes) {
    ByteBuffer b = ByteBuffer.allocate(noZeroes ? 10 : 134);
    b.putLong(size).putShort((short) transmissionFlags);
    b.position(b.capacity());
    return b.flip();
  }

  private static ByteBuffer info(int option, InfoType type, int bodyLength) {
    return header(option, OptionReplyType.INFO, 2 + bodyLength).putShort((short) type.code());
  }

  private static ByteBuffer header(int option, OptionReplyType type, int length) {
    return ByteBuffer.allocate(HEADER + length)
        .putLong(NbdMagic.OPTION_REPLY)
        .putInt(option)
        .putInt(type.code())
        .putInt(length);
  }
}
