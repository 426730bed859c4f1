package io.granary.dedupe.api;

import java.nio.file.Path;

/**
 * How to open a chunk store.
 *
 * @param directory where the store lives (created on first open)
 * @param defaultCodec the codec for puts that name none
 * @param packTargetBytes a pack is sealed once it reaches this size
 * @param commitEveryChunks index updates are committed (with a pack fsync) at least this often
 * @param verifyHashOnRead re-hash every chunk read (the CRC32C is always checked)
 */
public record ChunkStoreConfig(
    Path directory,
    CodecSpec defaultCodec,
    long packTargetBytes,
    int commitEveryChunks,
    boolean verifyHashOnRead) {

  public static final long DEFAULT_PACK_TARGET_BYTES = 64L << 20;
  public static final int DEFAULT_COMMIT_EVERY_CHUNKS = 16_384;

  public ChunkStoreConfig {
    if (packTargetBytes < (1 << 20)) {
      throw new IllegalArgumentException("packs must be at least 1 MiB");
    }
    if (commitEveryChunks < 1) {
      throw new IllegalArgumentException("commitEveryChunks must be positive");
    }
  }

  /** Defaults: lz4, 64 MiB packs. */
  public static ChunkStoreConfig defaults(Path directory) {
    return new ChunkStoreConfig(
        directory, CodecSpec.LZ4, DEFAULT_PACK_TARGET_BYTES, DEFAULT_COMMIT_EVERY_CHUNKS, false);
  }

  public ChunkStoreConfig withCodec(CodecSpec codec) {
    return new ChunkStoreConfig(
        directory, codec, packTargetBytes, commitEveryChunks, verifyHashOnRead);
  }

  public ChunkStoreConfig withPackTargetBytes(long bytes) {
    return new ChunkStoreConfig(
        directory, defaultCodec, bytes, commitEveryChunks, verifyHashOnRead);
  }

  public ChunkStoreConfig withVerifyHashOnRead(boolean verify) {
    return new ChunkStoreConfig(
        directory, defaultCodec, packTargetBytes, commitEveryChunks, verify);
  }
}
