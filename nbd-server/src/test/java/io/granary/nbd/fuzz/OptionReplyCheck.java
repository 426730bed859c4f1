package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;

import io.granary.nbd.api.ExportInfo;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's view of the replies to one option, written from doc/proto.md rather than from
 * the server's encoders: every reply has the reply magic, echoes the option, announces its
 * exact length, has a type the spec defines and a body of the shape that type requires;
 * informational replies come only for the options that have them and end with one ACK or one
 * error. Fails with an {@link AssertionError}.
 */
final class OptionReplyCheck {
  static final long REPLY_MAGIC = 0x0003e889045565a9L;
  static final int EXPORT_NAME = 1;
  static final int ABORT = 2;
  static final int LIST = 3;
  static final int STARTTLS = 5;
  static final int INFO = 6;
  static final int GO = 7;
  static final int STRUCTURED_REPLY = 8;
  static final int LIST_META_CONTEXT = 9;
  static final int SET_META_CONTEXT = 10;

  static final int ACK = 1;
  static final int SERVER = 2;
  static final int INFORMATION = 3;
  static final int META_CONTEXT = 4;
  static final int ERR_TLS_REQD = 0x80000005;

  /** The error types of proto.md: ERR_UNSUP (1) to ERR_TOO_BIG (9), with bit 31 set. */
  private static final int FIRST_ERROR = 0x80000001;

  private static final int LAST_ERROR = 0x80000009;

  /** One reply: its type and body. */
  record Reply(int type, ByteBuffer body) {
    boolean isError() {
      return type < 0;
    }
  }

  /** What a client learns from a complete set of replies. */
  record Replies(
      List<Reply> all, List<String> serverNames, List<String> contextNames, ExportInfo described) {
    Reply last() {
      return all.get(all.size() - 1);
    }

    boolean acknowledged() {
      return last().type() == ACK;
    }
  }

  private OptionReplyCheck() {}

  /**
   * Reads the replies to {@code option} from the head of {@code in} up to and including the ACK
   * or error that ends them, and checks them.
   */
  static Replies read(ByteBuffer in, int option) {
    Collected c = new Collected();
    while (true) {
      Reply r = next(in, option);
      c.all.add(r);
      ByteBuffer b = r.body();
      boolean last;
      try {
        last = body(r, b, option, c);
      } catch (BufferUnderflowException e) {
        throw new AssertionError("body of reply type " + r.type() + " cut short");
      }
      check(!b.hasRemaining(), b.remaining() + " bytes after the body of reply type " + r.type());
      if (last) {
        return new Replies(c.all, c.servers, c.contexts, c.described);
      }
    }
  }

  /** Replies read so far. */
  private static final class Collected {
    final List<Reply> all = new ArrayList<>();
    final List<String> servers = new ArrayList<>();
    final List<String> contexts = new ArrayList<>();
    ExportInfo described;
    boolean blockSizes;
  }

  /** Checks one reply's body, consuming it; true for the ACK or error that ends the replies. */
  private static boolean body(Reply r, ByteBuffer b, int option, Collected c) {
    switch (r.type()) {
      case ACK -> {
        check(
            option != INFO && option != GO || (c.described != null && c.blockSizes),
            "INFO/GO acknowledged without NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE");
        return true;
      }
      case SERVER -> {
        check(option == LIST, "NBD_REP_SERVER to option " + option);
        c.servers.add(string(b, sized(b), "export name"));
        string(b, b.remaining(), "description");
      }
      case INFORMATION -> {
        check(option == INFO || option == GO, "NBD_REP_INFO to option " + option);
        int info = Short.toUnsignedInt(b.getShort());
        if (info == 0) {
          c.described = export(b);
        } else if (info == 3) {
          blockSizes(b);
          c.blockSizes = true;
        } else {
          check(info == 1 || info == 2, "information type " + info + " nobody asked for");
          string(b, b.remaining(), "name or description");
        }
      }
      case META_CONTEXT -> {
        check(
            option == LIST_META_CONTEXT || option == SET_META_CONTEXT,
            "NBD_REP_META_CONTEXT to option " + option);
        int id = b.getInt();
        check(option == LIST_META_CONTEXT ? id == 0 : id != 0, "context id " + id);
        c.contexts.add(string(b, b.remaining(), "context name"));
      }
      default -> {
        check(
            r.isError() && r.type() >= FIRST_ERROR && r.type() <= LAST_ERROR,
            "reply type 0x" + Integer.toHexString(r.type()));
        string(b, b.remaining(), "error message");
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the reply to a successful NBD_OPT_EXPORT_NAME (size, flags, and the 124 zero bytes
   * unless the client asked to leave them out) at the head of {@code in}.
   */
  static ExportInfo exportNameReply(ByteBuffer in, boolean noZeroes) {
    try {
      ExportInfo export = export(in);
      if (!noZeroes) {
        for (int i = 0; i < 124; i++) {
          check(in.get() == 0, "the 124 bytes after an EXPORT_NAME reply are not zeroes");
        }
      }
      return export;
    } catch (BufferUnderflowException e) {
      throw new AssertionError("EXPORT_NAME reply cut short");
    }
  }

  private static Reply next(ByteBuffer in, int option) {
    check(in.remaining() >= 20, "option reply header cut short: " + in.remaining() + " bytes");
    check(in.getLong() == REPLY_MAGIC, "bad option reply magic");
    check(in.getInt() == option, "reply does not echo option " + option);
    int type = in.getInt();
    long length = Integer.toUnsignedLong(in.getInt());
    check(
        length <= in.remaining(),
        "reply announces " + length + " bytes, " + in.remaining() + " follow");
    ByteBuffer body = in.slice(in.position(), (int) length);
    in.position(in.position() + (int) length);
    return new Reply(type, body);
  }

  /** Size and transmission flags, which must be those of one of the exports. */
  private static ExportInfo export(ByteBuffer b) {
    long size = b.getLong();
    int flags = Short.toUnsignedInt(b.getShort());
    check((flags & 1) != 0, "transmission flags without NBD_FLAG_HAS_FLAGS");
    boolean readOnly = (flags & 2) != 0;
    return MemoryExports.ALL.stream()
        .filter(e -> e.size() == size && e.readOnly() == readOnly)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no export has size " + size + ", read-only " + readOnly));
  }

  private static void blockSizes(ByteBuffer b) {
    int min = b.getInt();
    int preferred = b.getInt();
    int max = b.getInt();
    check(Integer.bitCount(min) == 1 && min <= 65536, "minimum block size " + min);
    check(
        Integer.bitCount(preferred) == 1 && preferred >= 512 && preferred >= min,
        "preferred block size " + preferred);
    check(max >= preferred && max % min == 0, "maximum payload " + max);
  }

  private static int sized(ByteBuffer b) {
    long n = Integer.toUnsignedLong(b.getInt());
    check(n <= b.remaining(), "string of " + n + " bytes, " + b.remaining() + " follow");
    return (int) n;
  }

  private static String string(ByteBuffer b, int length, String what) {
    ByteBuffer s = b.slice(b.position(), length);
    b.position(b.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(s).toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError(what + " is not UTF-8");
    }
  }
}
