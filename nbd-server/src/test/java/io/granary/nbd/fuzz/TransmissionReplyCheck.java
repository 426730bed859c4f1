package io.granary.nbd.fuzz;

import static io.granary.nbd.fuzz.Checks.check;

import io.granary.nbd.protocol.NbdRequest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeMap;

/**
 * The client's view of the reply to one request, written from doc/proto.md rather than from the
 * server's encoders: the cookie is echoed; without structured replies every reply is simple;
 * with them READ and BLOCK_STATUS are answered in well-formed chunks, DONE on the last only;
 * errors are NBD errors; a successful READ carries exactly the requested range (one data chunk
 * under DF), and a BLOCK_STATUS reports at least one extent and never more than was asked.
 * Fails with an {@link AssertionError}.
 */
final class TransmissionReplyCheck {
  static final int READ = 0;
  static final int BLOCK_STATUS = 7;
  private static final int SIMPLE_MAGIC = 0x67446698;
  private static final int STRUCTURED_MAGIC = 0x668e33ef;
  private static final int FLAG_DF = 1 << 2;
  private static final int FLAG_REQ_ONE = 1 << 3;
  private static final Set<Integer> ERRORS = Set.of(1, 5, 12, 22, 28, 75, 95, 108);

  /** The id the server gives base:allocation in SET_META_CONTEXT. */
  private static final int CONTEXT_ID = 1;

  /** The volume's bytes as they should be now, to check data against; null where unknown. */
  interface Content {
    byte[] read(long offset, int length);

    boolean isZero(long offset, long length);
  }

  private TransmissionReplyCheck() {}

  /**
   * Reads the whole reply to {@code request} from the head of {@code in}, checks it, and
   * returns its error (0 for success).
   */
  static int read(ByteBuffer in, NbdRequest request, boolean structured, Content content) {
    try {
      check(in.remaining() >= 4, "no reply to cookie " + request.cookie());
      int magic = in.getInt();
      if (magic == SIMPLE_MAGIC) {
        return simple(in, request, structured, content);
      }
      check(magic == STRUCTURED_MAGIC, "bad reply magic 0x" + Integer.toHexString(magic));
      check(structured, "a structured reply without structured replies negotiated");
      return new Chunks(request, content).read(in);
    } catch (BufferUnderflowException e) {
      throw new AssertionError("reply to cookie " + request.cookie() + " cut short");
    }
  }

  private static int simple(
      ByteBuffer in, NbdRequest request, boolean structured, Content content) {
    int error = in.getInt();
    check(
        in.getLong() == request.cookie(), "simple reply does not echo cookie " + request.cookie());
    boolean needsChunks = structured && (request.type() == READ || request.type() == BLOCK_STATUS);
    check(!needsChunks, "simple reply to type " + request.type() + " under structured replies");
    if (error != 0) {
      check(ERRORS.contains(error), "error " + error + " is no NBD error");
      return error;
    }
    check(request.type() != BLOCK_STATUS, "BLOCK_STATUS answered without a chunk");
    if (request.type() == READ) {
      byte[] data = new byte[(int) request.length()];
      in.get(data);
      checkData(content, request.offset(), data);
    }
    return 0;
  }

  /** The chunks of one structured reply. */
  private static final class Chunks {
    private final NbdRequest request;
    private final Content content;

    /** Offset to length of each OFFSET_DATA and OFFSET_HOLE chunk. */
    private final TreeMap<Long, Long> covered = new TreeMap<>();

    private int dataChunks;
    private int error;
    private boolean status;

    Chunks(NbdRequest request, Content content) {
      this.request = request;
      this.content = content;
    }

    int read(ByteBuffer in) {
      boolean first = true;
      while (true) {
        if (!first) {
          check(in.getInt() == STRUCTURED_MAGIC, "bad chunk magic");
        }
        first = false;
        int flags = Short.toUnsignedInt(in.getShort());
        int type = Short.toUnsignedInt(in.getShort());
        check(in.getLong() == request.cookie(), "chunk does not echo cookie " + request.cookie());
        long length = Integer.toUnsignedLong(in.getInt());
        check((flags & ~1) == 0, "chunk flags 0x" + Integer.toHexString(flags));
        check(
            length <= in.remaining(),
            "chunk announces " + length + " bytes, " + in.remaining() + " follow");
        ByteBuffer body = in.slice(in.position(), (int) length);
        in.position(in.position() + (int) length);
        chunk(type, body);
        check(
            !body.hasRemaining(), body.remaining() + " bytes after the body of chunk type " + type);
        if ((flags & 1) != 0) {
          return finish();
        }
      }
    }

    private void chunk(int type, ByteBuffer b) {
      check(error == 0, "a chunk after the error chunk");
      boolean read = request.type() == READ;
      switch (type) {
        case 0 -> check(!b.hasRemaining(), "NONE chunk with a body");
        case 1 -> {
          check(read, "OFFSET_DATA to type " + request.type());
          long offset = b.getLong();
          byte[] data = new byte[b.remaining()];
          b.get(data);
          check(data.length > 0, "OFFSET_DATA without data");
          cover(offset, data.length);
          checkData(content, offset, data);
          dataChunks++;
        }
        case 2 -> {
          check(read, "OFFSET_HOLE to type " + request.type());
          long offset = b.getLong();
          long length = Integer.toUnsignedLong(b.getInt());
          check(length > 0, "empty OFFSET_HOLE");
          cover(offset, length);
          checkZero(content, offset, length);
        }
        case 5 -> {
          check(request.type() == BLOCK_STATUS, "BLOCK_STATUS chunk to type " + request.type());
          check(!status, "two BLOCK_STATUS chunks for one context");
          status = true;
          blockStatus(b);
        }
        case 32769 -> {
          error = b.getInt();
          check(ERRORS.contains(error), "error " + error + " is no NBD error");
          int n = Short.toUnsignedInt(b.getShort());
          check(
              n <= b.remaining(), "error message of " + n + " bytes, " + b.remaining() + " follow");
          utf8(b.slice(b.position(), n), "error message");
          b.position(b.position() + n);
        }
        default -> throw new AssertionError("chunk type " + type);
      }
    }

    private void cover(long offset, long length) {
      long end = request.offset() + request.length();
      check(
          offset >= request.offset() && length <= end - offset,
          "chunk " + offset + "+" + length + " outside the request");
      var before = covered.floorEntry(offset);
      var after = covered.ceilingEntry(offset);
      check(before == null || before.getKey() + before.getValue() <= offset, "chunks overlap");
      check(after == null || offset + length <= after.getKey(), "chunks overlap");
      covered.put(offset, length);
    }

    private void blockStatus(ByteBuffer b) {
      check(b.getInt() == CONTEXT_ID, "BLOCK_STATUS for a context never selected");
      check(
          b.remaining() >= 8 && b.remaining() % 8 == 0,
          "BLOCK_STATUS descriptors of " + b.remaining() + " bytes");
      long at = request.offset();
      int extents = 0;
      while (b.hasRemaining()) {
        long length = Integer.toUnsignedLong(b.getInt());
        int flags = b.getInt();
        check(length > 0, "empty extent");
        check((flags & ~3) == 0, "extent flags " + flags);
        check(length <= request.offset() + request.length() - at, "extents reach past the request");
        if ((flags & 2) != 0) {
          checkZero(content, at, length);
        }
        at += length;
        extents++;
      }
      check(
          (request.flags() & FLAG_REQ_ONE) == 0 || extents == 1,
          extents + " extents under REQ_ONE");
    }

    private int finish() {
      if (error != 0) {
        return error;
      }
      if (request.type() == BLOCK_STATUS) {
        check(status, "BLOCK_STATUS succeeded without a status chunk");
      } else if (request.type() == READ) {
        long total = covered.values().stream().mapToLong(Long::longValue).sum();
        check(
            total == request.length(),
            "READ of " + request.length() + " answered with " + total + " bytes");
        check(
            (request.flags() & FLAG_DF) == 0 || covered.size() <= 1 && dataChunks == covered.size(),
            "a READ under DF fragmented into " + covered.size() + " chunks");
      }
      return 0;
    }
  }

  private static void checkData(Content content, long offset, byte[] data) {
    if (content != null && !Arrays.equals(content.read(offset, data.length), data)) {
      throw new AssertionError("wrong data at " + offset + "+" + data.length);
    }
  }

  private static void checkZero(Content content, long offset, long length) {
    if (content != null && !content.isZero(offset, length)) {
      throw new AssertionError("reported as zeroes, but holds data: " + offset + "+" + length);
    }
  }

  private static void utf8(ByteBuffer b, String what) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(b);
    } catch (CharacterCodingException e) {
      throw new AssertionError(what + " is not UTF-8");
    }
  }
}
