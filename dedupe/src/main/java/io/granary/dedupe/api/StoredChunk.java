package io.granary.dedupe.api;

/**
 * A chunk as its store keeps it: codec, compression level, raw length and the encoded payload
 * (empty for {@link Codec#ZERO}). What replication carries, so that a compressed chunk travels
 * compressed and only the receiver decodes it, to check it against its id.
 */
public record StoredChunk(ChunkId id, Codec codec, int level, int rawLength, byte[] payload) {
  /** The largest chunk a store takes (its records' bound). */
  public static final int MAX_LENGTH = 64 << 20;

  /** Checks the shape only; whether the payload decodes to content with this id is the store's. */
  public StoredChunk {
    if (rawLength <= 0 || rawLength > MAX_LENGTH) {
      throw new IllegalArgumentException("a chunk has 1 to " + MAX_LENGTH + " bytes: " + rawLength);
    }
    if (payload.length > rawLength) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes for a chunk of " + rawLength);
    }
    if ((codec == Codec.ZERO) != (payload.length == 0)) {
      throw new IllegalArgumentException("only a zero chunk has an empty payload");
    }
    if (codec == Codec.NONE && payload.length != rawLength) {
      throw new IllegalArgumentException("a raw chunk carries its whole content");
    }
  }
}
