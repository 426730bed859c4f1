package io.granary.dedupe.api;

/** The requested chunk id is not in the store. */
public final class ChunkNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final transient ChunkId id;

  public ChunkNotFoundException(ChunkId id) {
    super(Kind.MISSING_CHUNK, "chunk " + id + " is not in the store");
    this.id = id;
  }

  public ChunkId id() {
    return id;
  }
}
