package io.granary.dedupe.api;

import java.io.Closeable;
import java.io.IOException;

/**
 * A content-addressed store of immutable chunks, one per pool: equal content is stored once,
 * compressed per chunk, in append-only pack files. Thread-safe.
 *
 * <p>Durability: a put is durable once a later {@link #sync()} returns; until then a crash may
 * lose it but never leaves a chunk that reads back wrong.
 */
public interface ChunkStore extends Closeable {

  /** Stores {@code data} with the store's default codec and returns its id. */
  default ChunkId put(byte[] data) throws IOException {
    return put(data, 0, data.length, null);
  }

  /**
   * Stores {@code data[off, off+len)} and returns its id (SHA-256 of the bytes). Content
   * already present costs no write; an all-zero chunk is recorded without its bytes.
   *
   * @param codec the compression policy, or {@code null} for the store's default
   * @throws StoreFullException when the medium is full
   */
  ChunkId put(byte[] data, int off, int len, CodecSpec codec) throws IOException;

  /**
   * Stores {@code count} chunks of {@code chunkLength} bytes each, laid end to end from the
   * start of {@code data}, and returns their ids in order: the same as a {@link #put} of each,
   * but a store may append the new ones together (one lock hand-over for the batch instead of
   * one per chunk, which cost a sixth of a flush's CPU when two threads put at once).
   *
   * @param codec the compression policy, or {@code null} for the store's default
   * @throws StoreFullException when the medium is full (some of the chunks may be stored)
   */
  default ChunkId[] putAll(byte[] data, int chunkLength, int count, CodecSpec codec)
      throws IOException {
    ChunkId[] ids = new ChunkId[count];
    for (int i = 0; i < count; i++) {
      ids[i] = put(data, i * chunkLength, chunkLength, codec);
    }
    return ids;
  }

  /**
   * The chunk's bytes, verified against the record's checksum.
   *
   * @throws ChunkNotFoundException when the id is not stored
   * @throws ChunkCorruptedException when the record is damaged
   */
  byte[] get(ChunkId id) throws IOException;

  /**
   * Copies bytes {@code [offset, offset+len)} of a chunk into {@code dst}, with the checks of
   * {@link #get} (the record's whole payload is still read and its checksum verified), but
   * without allocating the chunk: what a small read of a large chunk needs.
   *
   * @return the chunk's length
   * @throws ChunkNotFoundException when the id is not stored
   * @throws ChunkCorruptedException when the record is damaged
   * @throws IndexOutOfBoundsException when the range is not inside the chunk
   */
  int read(ChunkId id, int offset, byte[] dst, int dstOff, int len) throws IOException;

  /** Whether the id is stored (without reading or verifying its bytes). */
  boolean contains(ChunkId id) throws IOException;

  /**
   * Which of the ids are stored and sound, with one look-up; those a running collection keeps
   * as if they had just been put. What a replication receiver answers when asked what it has:
   * a chunk it claims must not be swept before the tree that names it is committed.
   */
  boolean[] retain(ChunkId[] ids) throws IOException;

  /**
   * The chunk as stored, its payload still encoded, after the record's checksum is verified
   * (its content hash is the receiver's to check).
   *
   * @throws ChunkNotFoundException when the id is not stored
   * @throws ChunkCorruptedException when the record is damaged
   */
  StoredChunk getStored(ChunkId id) throws IOException;

  /**
   * Stores a chunk as another store kept it, without recompressing it, once its payload decodes
   * to content whose hash is its id. Content already present costs no write.
   *
   * @throws InvalidChunkException when the payload does not decode or hashes to another id
   * @throws StoreFullException when the medium is full
   */
  ChunkId putStored(StoredChunk chunk) throws IOException;

  /**
   * The content a chunk from another store decodes to, after the checks of {@link #putStored},
   * without storing it: what a receiver reads a map page from before it stores the page.
   *
   * @throws InvalidChunkException when the payload does not decode or hashes to another id
   */
  byte[] content(StoredChunk chunk) throws IOException;

  /** The catalog tables kept beside the index, for the layers above. */
  Catalog catalog();

  /** Sizes and counts, including puts not yet synced. */
  ChunkStoreStats stats() throws IOException;

  /** What the medium holding the packs has done and holds (requests, uploads, cache). */
  MediumStats mediumStats();

  /**
   * Publishes a checkpoint to the medium, if it keeps them (an object store): the store's
   * identity, every catalog row as of now and {@code extras} (the caller's own: pool settings),
   * so that the medium alone brings the store back ({@link ChunkStores#attach}). Returns its
   * generation, or -1 when the medium keeps none. Waits until the packs it needs are there.
   */
  long checkpoint(byte[] extras) throws IOException;

  /**
   * {@link ChunkStoreStats#storedBytes()} alone, including puts not yet synced: from counters
   * kept in memory, without listing the packs, so cheap enough to call after every flush.
   */
  default long storedBytes() throws IOException {
    return stats().storedBytes();
  }

  /** Durability barrier: every put that returned before this call survives a crash. */
  void sync() throws IOException;

  /**
   * {@link #sync} and {@code rows} applied to the {@link #catalog} in the same commit: the rows
   * are durable exactly when every put before this call is (a flush's new root and the chunks
   * it names).
   */
  void syncWith(CatalogBatch rows) throws IOException;

  /**
   * Mark and sweep: keeps every chunk the walker marks and every chunk put while the
   * collection runs, forgets the rest, then compacts packs whose live fraction fell below
   * {@code options.compactBelow()}.
   *
   * <p>Contract for callers: every chunk put before this call that must survive has to be
   * reachable through the walker.
   */
  GcReport collectGarbage(LiveChunkWalker walker, GcOptions options) throws IOException;

  /**
   * Re-reads and re-hashes every stored chunk. Damaged chunks are reported, not removed: reads
   * of them fail cleanly and putting the same content again heals them.
   */
  ScrubReport scrub(ProgressListener progress) throws IOException;

  /** Syncs and releases the files. Further calls fail with {@link StoreException.Kind#CLOSED}. */
  @Override
  void close() throws IOException;
}
