package io.granary.nbd.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.granary.nbd.protocol.OptionHeader;
import io.granary.nbd.protocol.ProtocolViolation;
import io.granary.nbd.session.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of a fuzzed option phase, one option at a time, each either raw (16 header
 * bytes and the data as they come) or built: an option of any kind with data of its shape,
 * whose names and queries are the exports, unknown ones, empty, at and past the 4096-byte
 * limit, non-ASCII, with a NUL or not UTF-8, and whose counts are right, off by one, or at the
 * query limit; or one announced longer than the server takes. A fuzzer mutating raw bytes
 * rarely keeps three nested lengths consistent; built options always do. Either way the header
 * goes through {@link OptionHeader#decode}.
 */
final class OptionStream {
  /** An option as the transport hands it over: data null if it was too long and skipped. */
  record Option(int code, ByteBuffer data) {}

  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final byte[][] NAMES = {
    bytes("test/disk"),
    bytes("test/disk@snap"),
    bytes("test/odd"),
    bytes("test/secret"),
    bytes("test/nope"),
    bytes(""),
    bytes("test/disk\0"),
    {'t', (byte) 0xc3, '/'}
  };
  private static final String[] QUERIES = {"base:allocation", "base:", "qemu:dirty-bitmap:x", ""};

  private final FuzzedDataProvider in;

  OptionStream(FuzzedDataProvider in) {
    this.in = in;
  }

  /** The next option, or null where the stream ends (bad magic, or cut short). */
  Option next() {
    return in.consumeBoolean() ? raw() : built();
  }

  private Option raw() {
    byte[] bytes = in.consumeBytes(OptionHeader.LENGTH);
    if (bytes.length < OptionHeader.LENGTH) {
      return null;
    }
    OptionHeader header = decode(bytes);
    if (header == null || header.length() > Limits.MAX_OPTION_DATA) {
      return header == null ? null : new Option(header.code(), null);
    }
    byte[] data = in.consumeBytes((int) header.length());
    return data.length < header.length() ? null : new Option(header.code(), ByteBuffer.wrap(data));
  }

  private Option built() {
    byte[] bytes = bytes();
    OptionHeader header = decode(bytes);
    return new Option(
        header.code(),
        header.length() > Limits.MAX_OPTION_DATA
            ? null
            : ByteBuffer.wrap(bytes, OptionHeader.LENGTH, bytes.length - OptionHeader.LENGTH)
                .slice());
  }

  /**
   * A built option as the client sends it: the header and its data, or, one time in 32, a
   * header that announces more data than the server takes, and no data.
   */
  byte[] bytes() {
    int code = in.consumeBoolean() ? in.consumeInt(1, 11) : in.consumeInt();
    if (in.consumeInt(0, 31) == 0) {
      return ByteBuffer.allocate(OptionHeader.LENGTH)
          .putLong(IHAVEOPT)
          .putInt(code)
          .putInt(
              Limits.MAX_OPTION_DATA
                  + 1
                  + in.consumeInt(0, Integer.MAX_VALUE - Limits.MAX_OPTION_DATA - 1))
          .array();
    }
    byte[] data =
        switch (code) {
          case 1 -> name();
          case 6, 7 -> exportRequest();
          case 9, 10 -> metaContextRequest();
          default -> in.consumeBoolean() ? new byte[0] : in.consumeBytes(in.consumeInt(1, 16));
        };
    return ByteBuffer.allocate(OptionHeader.LENGTH + data.length)
        .putLong(IHAVEOPT)
        .putInt(code)
        .putInt(data.length)
        .put(data)
        .array();
  }

  private byte[] exportRequest() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(sized(name()));
    int n = in.consumeInt(0, 5);
    b.writeBytes(ByteBuffer.allocate(2).putShort((short) (n + count())).array());
    for (int i = 0; i < n; i++) {
      b.writeBytes(ByteBuffer.allocate(2).putShort((short) in.consumeInt(0, 5)).array());
    }
    return b.toByteArray();
  }

  private byte[] metaContextRequest() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(sized(name()));
    int n = in.consumeBoolean() ? in.consumeInt(0, 3) : in.consumeInt(127, 129);
    b.writeBytes(ByteBuffer.allocate(4).putInt(n + count()).array());
    for (int i = 0; i < n; i++) {
      b.writeBytes(sized(bytes(in.pickValue(QUERIES))));
    }
    return b.toByteArray();
  }

  /** Mostly right, sometimes one off. */
  private int count() {
    return in.consumeInt(0, 7) == 0 ? in.consumeInt(-1, 1) : 0;
  }

  private byte[] name() {
    return switch (in.consumeInt(0, 3)) {
      case 0 -> bytes("x".repeat(in.consumeInt(4090, 4100)));
      case 1 ->
          bytes(
              in.pickValue(new String[] {"x", "\u00e9", "\u20ac"}).repeat(in.consumeInt(1, 2100)));
      default -> in.pickValue(NAMES);
    };
  }

  /** A u32 length and the bytes, truncated or not. */
  private byte[] sized(byte[] s) {
    return ByteBuffer.allocate(4 + s.length).putInt(s.length + count()).put(s).array();
  }

  private static OptionHeader decode(byte[] header) {
    try {
      return OptionHeader.decode(ByteBuffer.wrap(header));
    } catch (ProtocolViolation e) {
      return null;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
