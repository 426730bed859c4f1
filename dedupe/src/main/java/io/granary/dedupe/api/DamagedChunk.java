package io.granary.dedupe.api;

/** A chunk that failed verification, where its record lies, and why it was rejected. */
public record DamagedChunk(ChunkId id, int packId, long offset, String reason) {
  public String describe() {
    return String.format(
        "chunk %s in pack %08x at offset %d is damaged: %s", id, packId, offset, reason);
  }
}
