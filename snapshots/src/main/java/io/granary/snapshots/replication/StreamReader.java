package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.StoredChunk;
import io.granary.snapshots.api.StreamRefusedException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a replication stream ({@code docs/format.md} §6), pure: bytes in, records out, or a
 * {@link StreamRefusedException} saying what is wrong (bad magic or version, a record's length
 * past its bound, checked before anything is allocated, a CRC mismatch, a truncated stream, a
 * record out of place). It does not judge content: chunk hashes and roots are the receiver's.
 * Not thread-safe.
 */
final class StreamReader {
  private final DataInputStream in;
  private boolean begun;
  private boolean ended;
  private long bytes;

  StreamReader(InputStream in) throws IOException {
    this.in = new DataInputStream(new BufferedInputStream(in, 1 << 20));
    byte[] head = new byte[StreamFormat.HEADER_BYTES];
    readFully(head, 0, head.length, "the stream header");
    if (!Arrays.equals(Arrays.copyOf(head, 8), StreamFormat.MAGIC)) {
      throw new StreamRefusedException("not a Granary replication stream (bad magic)");
    }
    int version = ((head[8] & 0xff) << 8) | (head[9] & 0xff);
    if (version != StreamFormat.VERSION) {
      throw new StreamRefusedException(
          "stream format version " + version + "; this Granary reads " + StreamFormat.VERSION);
    }
    bytes = head.length;
  }

  /** Bytes consumed so far. */
  long bytes() {
    return bytes;
  }

  /** The next record; after END, checks that nothing follows and returns null. */
  StreamRecord next() throws IOException {
    if (ended) {
      if (in.read() >= 0) {
        throw new StreamRefusedException("bytes after the END record");
      }
      return null;
    }
    int first = in.read();
    if (first < 0) {
      throw new StreamRefusedException(
          "the stream is truncated: it ends after " + bytes + " bytes, without its END record");
    }
    byte[] head = new byte[5];
    head[0] = (byte) first;
    readFully(head, 1, 4, "a record header");
    StreamRecord.Type type = StreamRecord.Type.fromCode(head[0] & 0xff);
    int length = ByteBuffer.wrap(head, 1, 4).getInt();
    if (type == null) {
      throw new StreamRefusedException("unknown record type " + (head[0] & 0xff));
    }
    long max =
        switch (type) {
          case BEGIN -> StreamHeader.MAX_BYTES;
          case CHUNK -> StreamFormat.CHUNK_FIELDS + (long) StoredChunk.MAX_LENGTH;
          case END -> StreamFormat.END_BYTES;
        };
    if (length < 0 || length > max) {
      throw new StreamRefusedException(type + " record of " + length + " bytes, at most " + max);
    }
    byte[] payload = new byte[length];
    readFully(payload, 0, length, "a " + type + " record");
    byte[] crcBytes = new byte[4];
    readFully(crcBytes, 0, 4, "a record's CRC");
    int crc = ByteBuffer.wrap(crcBytes).getInt();
    CRC32C check = new CRC32C();
    check.update(head);
    check.update(payload);
    if ((int) check.getValue() != crc) {
      throw new StreamRefusedException(
          "the " + type + " record at byte " + bytes + " is damaged (CRC mismatch)");
    }
    bytes += head.length + length + 4L;
    if ((type == StreamRecord.Type.BEGIN) == begun) {
      throw new StreamRefusedException(
          begun ? "a second BEGIN record" : "the stream does not start with BEGIN");
    }
    begun = true;
    return switch (type) {
      case BEGIN -> new StreamRecord.Begin(StreamHeader.decode(payload));
      case CHUNK -> chunk(payload);
      case END -> end(payload);
    };
  }

  private StreamRecord.Chunk chunk(byte[] p) throws StreamRefusedException {
    if (p.length < StreamFormat.CHUNK_FIELDS) {
      throw new StreamRefusedException("a CHUNK record of " + p.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(p);
    ChunkId id = ChunkId.read(b);
    int level = b.get() & 0xff;
    int codec = b.get() & 0xff;
    int codecLevel = b.get();
    b.get();
    int raw = b.getInt();
    try {
      return new StreamRecord.Chunk(
          level,
          new StoredChunk(
              id,
              Codec.fromCode(codec),
              codecLevel,
              raw,
              Arrays.copyOfRange(p, StreamFormat.CHUNK_FIELDS, p.length)));
    } catch (IllegalArgumentException e) {
      throw new StreamRefusedException("chunk " + id + ": " + e.getMessage(), e);
    }
  }

  private StreamRecord.End end(byte[] p) throws StreamRefusedException {
    if (p.length != StreamFormat.END_BYTES) {
      throw new StreamRefusedException("an END record of " + p.length + " bytes");
    }
    ended = true;
    ByteBuffer b = ByteBuffer.wrap(p);
    long chunks = b.getLong();
    long payloadBytes = b.getLong();
    ChunkId root = ChunkId.read(b);
    return new StreamRecord.End(chunks, payloadBytes, isZero(p, 16) ? null : root);
  }

  private static boolean isZero(byte[] p, int from) {
    for (int i = from; i < p.length; i++) {
      if (p[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private void readFully(byte[] into, int off, int len, String what) throws IOException {
    try {
      in.readFully(into, off, len);
    } catch (EOFException e) {
      throw new StreamRefusedException(
          "the stream is truncated: it ends inside " + what + " after " + bytes + " bytes", e);
    }
  }
}
