package io.granary.dedupe.api;

/** A chunk's record failed verification; names where it lies so an operator can find it. */
public final class ChunkCorruptedException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final transient DamagedChunk damage;

  public ChunkCorruptedException(DamagedChunk damage) {
    super(Kind.CORRUPT_CHUNK, damage.describe());
    this.damage = damage;
  }

  public DamagedChunk damage() {
    return damage;
  }
}
