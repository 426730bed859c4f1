package io.granary.snapshots.tree;

import io.granary.dedupe.api.ChunkId;
import java.nio.ByteBuffer;

/**
 * One node of a block map ({@code docs/format.md} §4.2): a level and up to {@link #FANOUT}
 * child ids, {@code null} for a hole. Immutable; encoding and decoding are pure.
 */
public final class MapPage {
  public static final int FANOUT = 512;
  public static final int HEADER = 16;
  public static final int FORMAT_VERSION = 1;
  private static final int MAGIC = 0x47524D50; // "GRMP"
  private static final ChunkId HOLE_ID = ChunkId.of(new byte[ChunkId.BYTES]);

  private final int level;
  private final ChunkId[] entries;

  private MapPage(int level, ChunkId[] entries) {
    this.level = level;
    this.entries = entries;
  }

  /** A page of holes at {@code level}. */
  public static MapPage empty(int level) {
    return new MapPage(level, new ChunkId[FANOUT]);
  }

  public int level() {
    return level;
  }

  /** The id at {@code slot}, or {@code null} for a hole. */
  public ChunkId get(int slot) {
    return entries[slot];
  }

  /** A copy with {@code slot} set to {@code id} ({@code null}: a hole). */
  public MapPage with(int slot, ChunkId id) {
    ChunkId[] copy = entries.clone();
    copy[slot] = id;
    return new MapPage(level, copy);
  }

  /** A mutable copy, for changing many slots at once. */
  public Builder toBuilder() {
    return new Builder(level, entries.clone());
  }

  /** Collects slot changes, then makes one page. */
  public static final class Builder {
    private final int level;
    private final ChunkId[] entries;

    private Builder(int level, ChunkId[] entries) {
      this.level = level;
      this.entries = entries;
    }

    public Builder set(int slot, ChunkId id) {
      entries[slot] = id;
      return this;
    }

    public MapPage build() {
      return new MapPage(level, entries.clone());
    }
  }

  public boolean isAllHoles() {
    for (ChunkId e : entries) {
      if (e != null) {
        return false;
      }
    }
    return true;
  }

  /** The stored form: a 16-byte header and the entries up to the last non-hole. */
  public byte[] encode() {
    int count = FANOUT;
    while (count > 1 && entries[count - 1] == null) {
      count--;
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER + count * ChunkId.BYTES);
    b.putInt(MAGIC)
        .put((byte) FORMAT_VERSION)
        .put((byte) level)
        .putShort((short) 0)
        .putInt(count)
        .putInt(0);
    for (int i = 0; i < count; i++) {
      (entries[i] == null ? HOLE_ID : entries[i]).write(b);
    }
    return b.array();
  }

  /**
   * Decodes a stored page.
   *
   * @throws IllegalArgumentException when the bytes are not a valid page
   */
  public static MapPage decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER || b.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a map page");
    }
    int version = b.get();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException("map page version " + version + " is not supported");
    }
    int level = b.get();
    b.getShort();
    int count = b.getInt();
    b.getInt();
    if (level < 0
        || count < 1
        || count > FANOUT
        || bytes.length != HEADER + count * ChunkId.BYTES) {
      throw new IllegalArgumentException(
          "malformed map page (level "
              + level
              + ", "
              + count
              + " entries, "
              + bytes.length
              + " bytes)");
    }
    ChunkId[] entries = new ChunkId[FANOUT];
    for (int i = 0; i < count; i++) {
      ChunkId id = ChunkId.read(b);
      entries[i] = id.equals(HOLE_ID) ? null : id;
    }
    return new MapPage(level, entries);
  }
}
