package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.CodecSpec;
import io.granary.snapshots.api.VolumeCorruptException;
import io.granary.snapshots.catalog.VolumeRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a volume's blocks become chunks ({@code docs/format.md} §4.2): compressed with its codec,
 * and with dedupe on the chunk is the block's bytes, shared with every volume holding the
 * same. With dedupe off the chunk is the block's bytes followed by an 8-byte domain tag, the
 * volume's id (ids are never reused in a pool), so equal blocks of other volumes get other
 * chunk ids while equal blocks of this volume still share one. The chunk store knows nothing
 * of this: it sees different content.
 *
 * <p>Immutable: a volume whose services change swaps its whole policy, and the next flush uses
 * the new one. Reads never need the policy: {@link #content} recognises a tagged chunk by its
 * length alone, so snapshots, clones and a volume switched on or off read every chunk they
 * hold.
 *
 * @param domainTag the tag appended to every block, or 0 when the blocks are deduplicated
 */
record BlockPolicy(CodecSpec codec, long domainTag) {
  static final int TAG_BYTES = 8;

  /** The policy a volume's row asks for. */
  static BlockPolicy of(VolumeRecord r) {
    return new BlockPolicy(CodecSpec.parse(r.codec()), r.dedupe() ? 0 : r.id());
  }

  /** Stores a block that is not all zeroes; returns its chunk id. */
  ChunkId put(ChunkStore store, byte[] block) throws IOException {
    if (domainTag == 0) {
      return store.put(block, 0, block.length, codec);
    }
    byte[] tagged = Arrays.copyOf(block, block.length + TAG_BYTES);
    ByteBuffer.wrap(tagged, block.length, TAG_BYTES).putLong(domainTag);
    return store.put(tagged, 0, tagged.length, codec);
  }

  /** The length of a block's chunk: the block, and the tag if any. */
  int chunkLength(int blockSize) {
    return domainTag == 0 ? blockSize : blockSize + TAG_BYTES;
  }

  /**
   * Stores {@code count} blocks, none all zeroes, laid in {@code chunks} at a stride of
   * {@link #chunkLength}: the tag, if any, is written into the bytes after each block. Returns
   * their chunk ids in order.
   */
  ChunkId[] putAll(ChunkStore store, byte[] chunks, int blockSize, int count) throws IOException {
    int stride = chunkLength(blockSize);
    if (domainTag != 0) {
      for (int i = 0; i < count; i++) {
        ByteBuffer.wrap(chunks, i * stride + blockSize, TAG_BYTES).putLong(domainTag);
      }
    }
    return store.putAll(chunks, stride, count, codec);
  }

  /**
   * A block's bytes from its chunk: the chunk itself, or without its domain tag.
   *
   * @throws VolumeCorruptException when the chunk cannot be a block of this size
   */
  static byte[] content(ChunkId id, byte[] chunk, int blockSize) throws VolumeCorruptException {
    checkLength(id, chunk.length, blockSize);
    return chunk.length == blockSize ? chunk : Arrays.copyOf(chunk, blockSize);
  }

  /**
   * Checks that a chunk of {@code length} bytes can be a block of this size (the tag, if any,
   * follows the block's bytes, so a block's first {@code blockSize} bytes are its content).
   *
   * @throws VolumeCorruptException when it cannot
   */
  static void checkLength(ChunkId id, int length, int blockSize) throws VolumeCorruptException {
    if (length != blockSize && length != blockSize + TAG_BYTES) {
      throw new VolumeCorruptException(
          "chunk " + id + " holds " + length + " bytes: not a block of " + blockSize + " bytes");
    }
  }
}
