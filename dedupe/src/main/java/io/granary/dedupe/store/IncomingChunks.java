package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.InvalidChunkException;
import io.granary.dedupe.api.StoredChunk;
import io.granary.dedupe.codec.ChunkCompressor;
import io.granary.dedupe.codec.CorruptPayloadException;
import io.granary.dedupe.pack.RecordHeader;
import java.nio.ByteBuffer;

/**
 * Turns a chunk another store sent into a record of this one, after proving it is what its id
 * says: the payload must decode to exactly its raw length, and that content must hash to the
 * id. The payload is kept as it came (no recompression); content that is all zeroes becomes a
 * zero record whatever codec it came in, as a local put would make it. Thread-safe.
 */
final class IncomingChunks {
  private final ChunkCompressor compressor;
  private final ChunkHasher hasher;

  IncomingChunks(ChunkCompressor compressor, ChunkHasher hasher) {
    this.compressor = compressor;
    this.hasher = hasher;
  }

  ChunkWriter.NewRecord verify(StoredChunk c, long commitsSeen) throws InvalidChunkException {
    ChunkId zero = hasher.zeroId(c.rawLength());
    if (c.codec() == Codec.ZERO || c.id().equals(zero)) {
      if (!c.id().equals(zero)) {
        throw new InvalidChunkException(c.id(), "a zero chunk under a non-zero id");
      }
      byte[] empty = new byte[0];
      RecordHeader h = new RecordHeader(c.id(), Codec.ZERO, 0, c.rawLength(), 0, crc(empty));
      if (c.codec() != Codec.ZERO) {
        check(c); // it must still decode to zeroes, or the sender is lying about something
      }
      return new ChunkWriter.NewRecord(c.id(), h, ByteBuffer.wrap(empty), commitsSeen);
    }
    check(c);
    RecordHeader h =
        new RecordHeader(
            c.id(), c.codec(), c.level(), c.rawLength(), c.payload().length, crc(c.payload()));
    return new ChunkWriter.NewRecord(c.id(), h, ByteBuffer.wrap(c.payload()), commitsSeen);
  }

  /** The chunk's content, checked against its id. */
  byte[] content(StoredChunk c) throws InvalidChunkException {
    if (c.codec() == Codec.ZERO) {
      if (!c.id().equals(hasher.zeroId(c.rawLength()))) {
        throw new InvalidChunkException(c.id(), "a zero chunk under a non-zero id");
      }
      return new byte[c.rawLength()];
    }
    return check(c);
  }

  private byte[] check(StoredChunk c) throws InvalidChunkException {
    byte[] raw;
    try {
      raw =
          c.codec() == Codec.NONE
              ? c.payload()
              : compressor.decompress(c.codec(), c.payload(), 0, c.payload().length, c.rawLength());
    } catch (CorruptPayloadException | RuntimeException e) {
      throw new InvalidChunkException(
          c.id(), "its " + c.codec().label() + " payload does not decode: " + e.getMessage());
    }
    if (!hasher.id(raw, 0, raw.length).equals(c.id())) {
      throw new InvalidChunkException(c.id(), "its content hashes to another id");
    }
    return raw;
  }

  private static int crc(byte[] payload) {
    return RecordHeader.payloadCrc(payload, 0, payload.length);
  }
}
