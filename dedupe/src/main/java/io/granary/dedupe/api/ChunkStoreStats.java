package io.granary.dedupe.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sizes of a chunk store. {@code ingestedBytes} counts every byte ever put (duplicates
 * included), {@code uniqueBytes} the raw bytes of distinct chunks, {@code storedBytes} their
 * compressed payloads, {@code diskBytes} the files on disk (packs with headers and garbage,
 * plus the index).
 */
public record ChunkStoreStats(
    long chunks,
    long ingestedBytes,
    long uniqueBytes,
    long storedBytes,
    long packFiles,
    long packBytes,
    long indexBytes,
    Map<Codec, Long> chunksByCodec) {

  public ChunkStoreStats {
    EnumMap<Codec, Long> copy = new EnumMap<>(Codec.class);
    copy.putAll(chunksByCodec);
    chunksByCodec = Collections.unmodifiableMap(copy);
  }

  public long diskBytes() {
    return packBytes + indexBytes;
  }

  /** Ingested bytes over unique bytes (1.0 for an empty store). */
  public double dedupeRatio() {
    return uniqueBytes == 0 ? 1.0 : (double) ingestedBytes / uniqueBytes;
  }

  /** Unique bytes over stored bytes (1.0 for an empty store). */
  public double compressionRatio() {
    return storedBytes == 0 ? 1.0 : (double) uniqueBytes / storedBytes;
  }
}
