package io.granary.dedupe.index;

import io.granary.dedupe.api.Codec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The store-wide counters kept in the {@code meta} table, and deltas of them: both are the same
 * shape, so a batch carries a delta and the index adds it in the same transaction.
 */
public final class StoreCounters {
  private static final int CODECS = Codec.values().length;

  long chunks;
  long ingestedBytes;
  long uniqueBytes;
  long storedBytes;
  final long[] chunksByCodec = new long[CODECS];

  public long chunks() {
    return chunks;
  }

  public long ingestedBytes() {
    return ingestedBytes;
  }

  public long uniqueBytes() {
    return uniqueBytes;
  }

  public long storedBytes() {
    return storedBytes;
  }

  public long chunksWith(Codec codec) {
    return chunksByCodec[codec.code()];
  }

  /** Counts one chunk in ({@code sign} 1) or out ({@code sign} -1). */
  public void addChunk(IndexEntry e, int sign) {
    chunks += sign;
    uniqueBytes += sign * (long) e.rawLength();
    storedBytes += sign * (long) e.storedLength();
    chunksByCodec[e.codec().code()] += sign;
  }

  public void addIngested(long bytes) {
    ingestedBytes += bytes;
  }

  public void add(StoreCounters delta) {
    chunks += delta.chunks;
    ingestedBytes += delta.ingestedBytes;
    uniqueBytes += delta.uniqueBytes;
    storedBytes += delta.storedBytes;
    for (int i = 0; i < CODECS; i++) {
      chunksByCodec[i] += delta.chunksByCodec[i];
    }
  }

  public boolean isZero() {
    return chunks == 0
        && ingestedBytes == 0
        && uniqueBytes == 0
        && storedBytes == 0
        && Arrays.stream(chunksByCodec).allMatch(c -> c == 0);
  }

  public StoreCounters copy() {
    StoreCounters c = new StoreCounters();
    c.add(this);
    return c;
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(8 * (4 + CODECS));
    b.putLong(chunks).putLong(ingestedBytes).putLong(uniqueBytes).putLong(storedBytes);
    for (long c : chunksByCodec) {
      b.putLong(c);
    }
    return b.array();
  }

  static StoreCounters decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    StoreCounters c = new StoreCounters();
    c.chunks = b.getLong();
    c.ingestedBytes = b.getLong();
    c.uniqueBytes = b.getLong();
    c.storedBytes = b.getLong();
    for (int i = 0; i < CODECS && b.remaining() >= 8; i++) {
      c.chunksByCodec[i] = b.getLong();
    }
    return c;
  }
}
