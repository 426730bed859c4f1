package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.DamagedChunk;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoredChunk;
import io.granary.dedupe.codec.ChunkCompressor;
import io.granary.dedupe.codec.CorruptPayloadException;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.pack.PackReaders;
import io.granary.dedupe.pack.RecordDamagedException;
import io.granary.dedupe.pack.RecordHeader;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a chunk at an index entry and proves it is the right one: record header, payload
 * checksum, decoded length and, on request, the content hash. Remembers damaged ids so that a
 * later put of the same content rewrites them. Thread-safe.
 */
final class ChunkReader implements Closeable {
  private static final System.Logger LOG = System.getLogger(ChunkReader.class.getName());

  /** Per thread: the decoded bytes of a compressed chunk {@link #readRange} copies from. */
  private static final ThreadLocal<byte[]> DECODED = ThreadLocal.withInitial(() -> new byte[0]);

  private final PackReaders readers;
  private final ChunkCompressor compressor;
  private final ChunkHasher hasher;
  private final Set<ChunkId> damaged = ConcurrentHashMap.newKeySet();

  ChunkReader(PackMedium storage, ChunkCompressor compressor, ChunkHasher hasher) {
    this.readers = new PackReaders(storage);
    this.compressor = compressor;
    this.hasher = hasher;
  }

  /**
   * The chunk's bytes.
   *
   * @throws ChunkCorruptedException when any check fails
   * @throws io.granary.dedupe.pack.PackMissingException when the pack could not be read
   */
  byte[] read(ChunkId id, IndexEntry e, boolean verifyHash) throws IOException {
    if (e.codec() == Codec.ZERO) {
      if (verifyHash && !hasher.zeroId(e.rawLength()).equals(id)) {
        throw damage(id, e, "a zero record under a non-zero id");
      }
      return new byte[e.rawLength()];
    }
    PackReaders.VerifiedRecord r;
    try {
      r = readers.read(id, e.location(), e.storedLength());
    } catch (RecordDamagedException d) {
      throw damage(id, e, d.getMessage());
    }
    byte[] raw;
    try {
      raw =
          compressor.decompress(
              r.header().codec(),
              r.array(),
              RecordHeader.SIZE,
              r.header().storedLength(),
              r.header().rawLength());
    } catch (CorruptPayloadException c) {
      throw damage(id, e, c.getMessage());
    }
    if (verifyHash && !hasher.id(raw, 0, raw.length).equals(id)) {
      throw damage(id, e, "content does not hash to its id");
    }
    return raw;
  }

  /**
   * Copies bytes {@code [offset, offset+len)} of the chunk into {@code dst} after the checks of
   * {@link #read} but the content hash. The record goes into the thread's shared buffer ({@link
   * PackReaders#readShared}); a raw one is copied from there, a compressed one decoded into
   * this thread's scratch first. Nothing is allocated once the buffers have grown.
   *
   * @return the chunk's length
   */
  int readRange(ChunkId id, IndexEntry e, int offset, byte[] dst, int dstOff, int len)
      throws IOException {
    Objects.checkFromIndexSize(offset, len, e.rawLength());
    if (e.codec() == Codec.ZERO) {
      Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
      return e.rawLength();
    }
    PackReaders.VerifiedRecord r;
    try {
      r = readers.readShared(id, e.location(), e.storedLength());
    } catch (RecordDamagedException d) {
      throw damage(id, e, d.getMessage());
    }
    copyRange(id, e, r, offset, dst, dstOff, len);
    return e.rawLength();
  }

  private void copyRange(
      ChunkId id,
      IndexEntry e,
      PackReaders.VerifiedRecord r,
      int offset,
      byte[] dst,
      int dstOff,
      int len)
      throws ChunkCorruptedException {
    RecordHeader h = r.header();
    if (h.rawLength() != e.rawLength()) {
      throw damage(
          id, e, "the record holds " + h.rawLength() + " bytes, the index says " + e.rawLength());
    }
    try {
      if (h.codec() == Codec.NONE) {
        ChunkCompressor.checkRaw(h.storedLength(), h.rawLength());
        System.arraycopy(r.array(), RecordHeader.SIZE + offset, dst, dstOff, len);
        return;
      }
      byte[] out = DECODED.get();
      if (out.length < h.rawLength()) {
        out = new byte[h.rawLength()];
        DECODED.set(out);
      }
      compressor.decompress(
          h.codec(), r.array(), RecordHeader.SIZE, h.storedLength(), out, 0, h.rawLength());
      System.arraycopy(out, offset, dst, dstOff, len);
    } catch (CorruptPayloadException c) {
      throw damage(id, e, c.getMessage());
    }
  }

  /** The chunk's record as stored, after the checks of {@link #read} but the content hash. */
  StoredChunk readStored(ChunkId id, IndexEntry e) throws IOException {
    if (e.codec() == Codec.ZERO) {
      return new StoredChunk(id, Codec.ZERO, 0, e.rawLength(), new byte[0]);
    }
    PackReaders.VerifiedRecord r;
    try {
      r = readers.read(id, e.location(), e.storedLength());
    } catch (RecordDamagedException d) {
      throw damage(id, e, d.getMessage());
    }
    RecordHeader h = r.header();
    if (h.rawLength() != e.rawLength()) {
      throw damage(
          id, e, "the record holds " + h.rawLength() + " bytes, the index says " + e.rawLength());
    }
    byte[] payload =
        Arrays.copyOfRange(r.array(), RecordHeader.SIZE, RecordHeader.SIZE + h.storedLength());
    return new StoredChunk(id, h.codec(), h.level(), h.rawLength(), payload);
  }

  ChunkCorruptedException damage(ChunkId id, IndexEntry e, String reason) {
    damaged.add(id);
    DamagedChunk d = new DamagedChunk(id, e.location().packId(), e.location().offset(), reason);
    LOG.log(Level.ERROR, d.describe());
    return new ChunkCorruptedException(d);
  }

  boolean isDamaged(ChunkId id) {
    return damaged.contains(id);
  }

  /** The chunk was rewritten or forgotten: it is no longer damaged. */
  void clearDamage(ChunkId id) {
    damaged.remove(id);
  }

  void markDamaged(ChunkId id) {
    damaged.add(id);
  }

  /** Closes a pack's handle before its file goes. */
  void evict(int packId) {
    readers.evict(packId);
  }

  @Override
  public void close() {
    readers.close();
  }
}
