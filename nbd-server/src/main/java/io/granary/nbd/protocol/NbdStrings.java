package io.granary.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Strings on the wire: UTF-8, no NUL, at most 4096 bytes (the spec's hard limit). */
public final class NbdStrings {
  public static final int MAX_BYTES = 4096;

  private NbdStrings() {}

  /** Reads a u32 length and that many bytes of string. */
  public static String readSized(ByteBuffer in, String what) throws MalformedOption {
    if (in.remaining() < 4) {
      throw new MalformedOption(what + ": truncated length");
    }
    long len = Integer.toUnsignedLong(in.getInt());
    return read(in, len, what);
  }

  /** Reads {@code len} bytes of string. */
  public static String read(ByteBuffer in, long len, String what) throws MalformedOption {
    if (len > MAX_BYTES) {
      throw new MalformedOption(what + " is " + len + " bytes, more than " + MAX_BYTES);
    }
    if (len > in.remaining()) {
      throw new MalformedOption(
          what + ": " + len + " bytes announced, " + in.remaining() + " left");
    }
    ByteBuffer slice = in.slice(in.position(), (int) len);
    in.position(in.position() + (int) len);
    for (int i = 0; i < len; i++) {
      if (slice.get(i) == 0) {
        throw new MalformedOption(what + " contains a NUL byte");
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedOption(what + " is not UTF-8");
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The UTF-8 bytes of {@code s}, cut to at most {@code max} bytes at a character boundary: a
   * message cut inside a character would not be UTF-8, which every string on the wire must be.
   */
  public static byte[] bytes(String s, int max) {
    byte[] b = bytes(s);
    if (b.length <= max) {
      return b;
    }
    int end = max;
    while (end > 0 && (b[end] & 0xc0) == 0x80) {
      // b[end] continues the character that starts before it: cut before that character.
      end--;
    }
    return Arrays.copyOf(b, end);
  }
}
