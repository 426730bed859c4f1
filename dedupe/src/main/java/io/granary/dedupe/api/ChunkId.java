package io.granary.dedupe.api;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The address of a chunk: the SHA-256 of its uncompressed bytes, held as four big-endian words
 * so that ids compare and hash without touching an array.
 */
public final class ChunkId implements Comparable<ChunkId> {
  /** Length of an id in bytes. */
  public static final int BYTES = 32;

  private final long w0;
  private final long w1;
  private final long w2;
  private final long w3;

  private ChunkId(long w0, long w1, long w2, long w3) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }

  /** The id whose bytes are {@code digest[0..32)}. */
  public static ChunkId of(byte[] digest) {
    if (digest.length != BYTES) {
      throw new IllegalArgumentException("a chunk id has 32 bytes, not " + digest.length);
    }
    return read(ByteBuffer.wrap(digest));
  }

  /** Reads 32 bytes at the buffer's position and advances it. */
  public static ChunkId read(ByteBuffer src) {
    return new ChunkId(src.getLong(), src.getLong(), src.getLong(), src.getLong());
  }

  /** Parses 64 hexadecimal digits. */
  public static ChunkId parse(String hex) {
    if (hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException("a chunk id has 64 hex digits: " + hex);
    }
    return of(HexFormat.of().parseHex(hex));
  }

  /** Writes the 32 bytes at the buffer's position and advances it. */
  public void write(ByteBuffer dst) {
    dst.putLong(w0).putLong(w1).putLong(w2).putLong(w3);
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    write(b);
    return b.array();
  }

  /** The first 64 bits: uniformly distributed, usable as a hash. */
  public long prefix64() {
    return w0;
  }

  /** The second 64 bits, for structures that key on a 128-bit prefix. */
  public long second64() {
    return w1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChunkId other
        && w0 == other.w0
        && w1 == other.w1
        && w2 == other.w2
        && w3 == other.w3;
  }

  @Override
  public int hashCode() {
    return (int) (w0 ^ (w0 >>> 32));
  }

  /** Unsigned byte order, the order of the index. */
  @Override
  public int compareTo(ChunkId o) {
    int c = Long.compareUnsigned(w0, o.w0);
    if (c == 0) c = Long.compareUnsigned(w1, o.w1);
    if (c == 0) c = Long.compareUnsigned(w2, o.w2);
    if (c == 0) c = Long.compareUnsigned(w3, o.w3);
    return c;
  }

  /** The 64-digit hexadecimal form. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(toBytes());
  }

  /** The first 12 hex digits, for log lines. */
  public String shortForm() {
    return toString().substring(0, 12);
  }
}
