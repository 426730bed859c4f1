package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.StoredChunk;

/** One record of a replication stream ({@code docs/format.md} §6). */
public sealed interface StreamRecord {

  /** The wire codes of the record types; never reused. */
  enum Type {
    BEGIN(1),
    CHUNK(2),
    END(3);

    final int code;

    Type(int code) {
      this.code = code;
    }

    static Type fromCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** The first record: what the stream brings. */
  record Begin(StreamHeader header) implements StreamRecord {}

  /**
   * A node of the snapshot's tree as stored: a block's chunk ({@code level} 0) or a map page
   * ({@code level} = its page level + 1). Children always come before their page.
   */
  record Chunk(int level, StoredChunk chunk) implements StreamRecord {
    public ChunkId id() {
      return chunk.id();
    }
  }

  /** The last record: how many chunks and payload bytes came, and the root once more. */
  record End(long chunks, long payloadBytes, ChunkId root) implements StreamRecord {}
}
