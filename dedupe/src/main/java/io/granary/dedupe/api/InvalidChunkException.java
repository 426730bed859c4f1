package io.granary.dedupe.api;

/**
 * A chunk offered from outside ({@link ChunkStore#putStored}, from a replication stream) is not
 * what its id says: its payload does not decode, or decodes to other content. Nothing was
 * stored.
 */
public final class InvalidChunkException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InvalidChunkException(ChunkId id, String reason) {
    super(Kind.INVALID_CHUNK, "chunk " + id + " refused: " + reason);
  }
}
