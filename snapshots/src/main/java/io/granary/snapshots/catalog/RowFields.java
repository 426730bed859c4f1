package io.granary.snapshots.catalog;

import io.granary.dedupe.api.ChunkId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Field encodings shared by the catalog rows ({@code docs/format.md} §4.1). */
final class RowFields {
  private static final byte[] EMPTY_ID = new byte[ChunkId.BYTES];

  private RowFields() {}

  static void putId(ByteBuffer b, ChunkId id) {
    if (id == null) {
      b.put(EMPTY_ID);
    } else {
      id.write(b);
    }
  }

  static ChunkId getId(ByteBuffer b) {
    ChunkId id = ChunkId.read(b);
    return id.equals(ChunkId.of(EMPTY_ID)) ? null : id;
  }

  static void putString(ByteBuffer b, String s) {
    byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    b.putShort((short) bytes.length).put(bytes);
  }

  static String getString(ByteBuffer b) {
    byte[] bytes = new byte[Short.toUnsignedInt(b.getShort())];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A byte that must be 0 (false) or 1 (true). */
  static boolean getFlag(ByteBuffer b, String field) {
    int v = b.get();
    if (v != 0 && v != 1) {
      throw new IllegalStateException("catalog field " + field + " holds " + v + ", not 0 or 1");
    }
    return v == 1;
  }

  static int stringSize(String s) {
    return 2 + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
  }
}
