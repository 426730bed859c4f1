package io.granary.nbd.protocol;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encoders for the transmission phase: simple replies, and the structured reply chunks this
 * server sends. Data payloads are not copied: callers send them after the returned header.
 */
public final class TransmissionReplies {
  public static final int SIMPLE_HEADER = 16;
  public static final int CHUNK_HEADER = 20;

  /** Flag of the last chunk of a structured reply. */
  public static final int FLAG_DONE = 1;

  private static final int MAX_MESSAGE = 1024;

  private TransmissionReplies() {}

  /** A simple reply header; on a successful READ the data follows it. */
  public static ByteBuffer simple(long cookie, NbdError error) {
    return ByteBuffer.allocate(SIMPLE_HEADER)
        .putInt(NbdMagic.SIMPLE_REPLY)
        .putInt(error == null ? 0 : error.code())
        .putLong(cookie)
        .flip();
  }

  /** The header of an OFFSET_DATA chunk; {@code dataLength} bytes of data must follow it. */
  public static ByteBuffer offsetData(long cookie, boolean done, long offset, int dataLength) {
    return chunk(cookie, done, ChunkType.OFFSET_DATA, 8 + dataLength, 8).putLong(offset).flip();
  }

  public static ByteBuffer offsetHole(long cookie, boolean done, long offset, int holeLength) {
    return chunk(cookie, done, ChunkType.OFFSET_HOLE, 12).putLong(offset).putInt(holeLength).flip();
  }

  /** One BLOCK_STATUS chunk for one context: pairs of (u32 length, u32 flags). */
  public static ByteBuffer blockStatus(
      long cookie, boolean done, int contextId, List<StatusExtent> extents) {
    ByteBuffer b =
        chunk(cookie, done, ChunkType.BLOCK_STATUS, 4 + 8 * extents.size()).putInt(contextId);
    for (StatusExtent e : extents) {
      b.putInt(e.length()).putInt(e.flags());
    }
    return b.flip();
  }

  /** The final ERROR chunk of a structured reply. */
  public static ByteBuffer error(long cookie, NbdError error, String message) {
    byte[] text = NbdStrings.bytes(message, MAX_MESSAGE);
    return chunk(cookie, true, ChunkType.ERROR, 6 + text.length)
        .putInt(error.code())
        .putShort((short) text.length)
        .put(text)
        .flip();
  }

  /** A NONE chunk that ends a reply whose other chunks have been sent. */
  public static ByteBuffer done(long cookie) {
    return chunk(cookie, true, ChunkType.NONE, 0).flip();
  }

  private static ByteBuffer chunk(long cookie, boolean done, ChunkType type, int length) {
    return chunk(cookie, done, type, length, length);
  }

  /**
   * A chunk's header, with room for the {@code here} bytes of its {@code length} that the
   * caller puts in this buffer (an OFFSET_DATA chunk's data is sent after it, not copied).
   */
  private static ByteBuffer chunk(long cookie, boolean done, ChunkType type, int length, int here) {
    return ByteBuffer.allocate(CHUNK_HEADER + here)
        .putInt(NbdMagic.STRUCTURED_REPLY)
        .putShort((short) (done ? FLAG_DONE : 0))
        .putShort((short) type.code())
        .putLong(cookie)
        .putInt(length);
  }
}
