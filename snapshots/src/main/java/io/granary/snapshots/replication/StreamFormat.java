package io.granary.snapshots.replication;

import java.nio.charset.StandardCharsets;

/** The constants of the replication stream format ({@code docs/format.md} §6). */
final class StreamFormat {
  /** The first 8 bytes of every stream. */
  static final byte[] MAGIC = "GRSTREAM".getBytes(StandardCharsets.US_ASCII);

  /** The version this code writes and the only one it reads. */
  static final int VERSION = 1;

  /** Magic, version (2), reserved (2). */
  static final int HEADER_BYTES = 12;

  /** A CHUNK record's fields before its payload: id, level, codec, codec level, 0, length. */
  static final int CHUNK_FIELDS = 32 + 4 + 4;

  /** An END record's payload: chunks (8), payload bytes (8), root (32). */
  static final int END_BYTES = 8 + 8 + 32;

  private StreamFormat() {}
}
