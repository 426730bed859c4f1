package io.granary.nbd.testing;

import io.granary.nbd.protocol.NbdMagic;
import io.granary.nbd.protocol.TransmissionReplies;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The client's side of the wire, written independently of the server's codecs: encoders for
 * option data and requests, and parsers for option replies and structured reply chunks. Only
 * the numbers (magics, flags) are the server's own constants; the protocol tests' byte vectors
 * pin those to the spec.
 */
public final class NbdWire {
  private NbdWire() {}

  /** One option reply: the option it answers, its type and its data. */
  public record OptionReply(int option, int type, byte[] data) {
    public ByteBuffer body() {
      return ByteBuffer.wrap(data);
    }
  }

  /** One structured reply chunk. */
  public record Chunk(int flags, int type, long cookie, byte[] payload) {
    public boolean done() {
      return (flags & TransmissionReplies.FLAG_DONE) != 0;
    }

    public ByteBuffer body() {
      return ByteBuffer.wrap(payload);
    }
  }

  /** Bytes from hex digits; spaces are ignored, so expected messages can be laid out by field. */
  public static byte[] hex(String digits) {
    return HexFormat.of().parseHex(digits.replace(" ", "").replace("\n", ""));
  }

  /** The remaining bytes of every buffer, concatenated, without consuming them. */
  public static byte[] bytes(ByteBuffer... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer p : parts) {
      ByteBuffer d = p.duplicate();
      byte[] b = new byte[d.remaining()];
      d.get(b);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** A u32 length and the UTF-8 bytes of {@code s}. */
  public static byte[] sized(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
  }

  /** The data of NBD_OPT_INFO or NBD_OPT_GO. */
  public static byte[] exportRequest(String name, int... infoTypes) {
    byte[] n = sized(name);
    ByteBuffer b =
        ByteBuffer.allocate(n.length + 2 + 2 * infoTypes.length)
            .put(n)
            .putShort((short) infoTypes.length);
    for (int t : infoTypes) {
      b.putShort((short) t);
    }
    return b.array();
  }

  /** The data of NBD_OPT_LIST_META_CONTEXT or NBD_OPT_SET_META_CONTEXT. */
  public static byte[] metaContextRequest(String name, String... queries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sized(name));
    out.writeBytes(ByteBuffer.allocate(4).putInt(queries.length).array());
    for (String q : queries) {
      out.writeBytes(sized(q));
    }
    return out.toByteArray();
  }

  /** An option request: magic, code, length, data. */
  public static byte[] option(int code, byte[] data) {
    return ByteBuffer.allocate(16 + data.length)
        .putLong(NbdMagic.IHAVEOPT)
        .putInt(code)
        .putInt(data.length)
        .put(data)
        .array();
  }

  /** A request header, followed by {@code payload} if not null. */
  public static byte[] request(
      int flags, int type, long cookie, long offset, long length, byte[] payload) {
    int n = payload == null ? 0 : payload.length;
    ByteBuffer b =
        ByteBuffer.allocate(28 + n)
            .putInt(NbdMagic.REQUEST)
            .putShort((short) flags)
            .putShort((short) type)
            .putLong(cookie)
            .putLong(offset)
            .putInt((int) length);
    if (payload != null) {
      b.put(payload);
    }
    return b.array();
  }

  /** Parses one whole option reply, checking its magic and length. */
  public static OptionReply optionReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate();
    if (b.getLong() != NbdMagic.OPTION_REPLY) {
      throw new AssertionError("bad option reply magic");
    }
    int option = b.getInt();
    int type = b.getInt();
    int length = b.getInt();
    if (length != b.remaining()) {
      throw new AssertionError("option reply announces " + length + " bytes, has " + b.remaining());
    }
    byte[] data = new byte[length];
    b.get(data);
    return new OptionReply(option, type, data);
  }

  /** Splits a sequence of whole structured chunks, checking magic and lengths. */
  public static List<Chunk> chunks(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    List<Chunk> out = new ArrayList<>();
    while (b.hasRemaining()) {
      if (b.getInt() != NbdMagic.STRUCTURED_REPLY) {
        throw new AssertionError("bad structured reply magic at " + (b.position() - 4));
      }
      int flags = Short.toUnsignedInt(b.getShort());
      int type = Short.toUnsignedInt(b.getShort());
      long cookie = b.getLong();
      byte[] payload = new byte[b.getInt()];
      b.get(payload);
      out.add(new Chunk(flags, type, cookie, payload));
    }
    return out;
  }
}
