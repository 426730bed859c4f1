package io.granary.dedupe.store;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.pack.RecordFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a pool needs besides its packs to come back from its bucket alone ({@code
 * docs/format.md} §5.1): the store's identity, every catalog row (volumes, snapshots, roots)
 * as of one moment, and the caller's own bytes (the pool's settings and profiles). Encoding and
 * decoding only: pure, no I/O.
 *
 * <pre>
 * 0   8  magic "GRNYCKPT"
 * 8   2  version = 1
 * 10  2  reserved, 0
 * 12  8  store id
 * 20  8  generation (increases with every checkpoint of the store)
 * 28  8  created, milliseconds since the epoch
 * 36  4  last pack sealed before the rows were read
 * 40  4  length E of the caller's bytes, then E bytes
 *    4  row count R, then R rows: key length, key, value length, value (each length 4 bytes)
 *    4  CRC32C of everything before it
 * </pre>
 */
record Checkpoint(
    long storeId,
    long generation,
    long createdMillis,
    int lastPackId,
    byte[] extras,
    List<Catalog.Entry> rows) {
  private static final byte[] MAGIC = "GRNYCKPT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  byte[] encode() {
    long size = 44L + extras.length + 4 + 4;
    for (Catalog.Entry e : rows) {
      size += 8L + e.key().length + e.value().length;
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("a checkpoint of " + size + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.put(MAGIC).putShort((short) VERSION).putShort((short) 0);
    b.putLong(storeId).putLong(generation).putLong(createdMillis).putInt(lastPackId);
    b.putInt(extras.length).put(extras);
    b.putInt(rows.size());
    for (Catalog.Entry e : rows) {
      b.putInt(e.key().length).put(e.key()).putInt(e.value().length).put(e.value());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * The newest checkpoint of the store on {@code media}, for an attach into {@code root}, which
   * must be empty (it is made if missing).
   */
  static Checkpoint newestInto(Path root, PackMedium.Factory media) throws IOException {
    if (Files.isDirectory(root)) {
      try (var s = Files.list(root)) {
        if (s.findAny().isPresent()) {
          throw new StoreException(
              StoreException.Kind.BAD_FORMAT,
              root + " is not empty: a pool is attached into an empty directory");
        }
      }
    }
    Files.createDirectories(root);
    try (PackMedium medium = media.open(root.resolve("packs"))) {
      byte[] bytes = medium.newestCheckpoint();
      if (bytes == null) {
        throw new StoreException(
            StoreException.Kind.BAD_FORMAT, "the bucket holds no checkpoint of a pool");
      }
      try {
        return decode(bytes);
      } catch (RecordFormatException e) {
        throw new StoreException(
            StoreException.Kind.BAD_FORMAT, "the pool's newest checkpoint: " + e.getMessage());
      }
    }
  }

  static Checkpoint decode(byte[] bytes) throws RecordFormatException {
    if (bytes.length < 48) {
      throw new RecordFormatException("a checkpoint of " + bytes.length + " bytes is cut short");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
      throw new RecordFormatException("checkpoint checksum mismatch");
    }
    byte[] magic = new byte[8];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new RecordFormatException("not a checkpoint (bad magic)");
    }
    int version = b.getShort() & 0xffff;
    if (version != VERSION) {
      throw new RecordFormatException(
          "checkpoint version " + version + " (this build reads " + VERSION + ")");
    }
    b.getShort();
    long storeId = b.getLong();
    long generation = b.getLong();
    long created = b.getLong();
    int lastPack = b.getInt();
    try {
      byte[] extras = new byte[length(b)];
      b.get(extras);
      int count = length(b);
      List<Catalog.Entry> rows = new ArrayList<>(Math.min(count, 1 << 16));
      for (int i = 0; i < count; i++) {
        byte[] k = new byte[length(b)];
        b.get(k);
        byte[] v = new byte[length(b)];
        b.get(v);
        rows.add(new Catalog.Entry(k, v));
      }
      if (b.remaining() != 4) {
        throw new RecordFormatException(
            "a checkpoint with " + (b.remaining() - 4) + " bytes too many");
      }
      return new Checkpoint(storeId, generation, created, lastPack, extras, rows);
    } catch (java.nio.BufferUnderflowException e) {
      throw new RecordFormatException("a checkpoint cut short");
    }
  }

  private static int length(ByteBuffer b) throws RecordFormatException {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new RecordFormatException("a length of " + n + " past the checkpoint's end");
    }
    return n;
  }
}
