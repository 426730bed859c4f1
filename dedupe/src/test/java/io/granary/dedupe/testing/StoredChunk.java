package io.granary.dedupe.testing;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.pack.RecordHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One chunk record as it lies on disk: the chunk, the pack that holds it, the pack's file and
 * the record's byte offset in it (what scrub reports). Its bytes can be damaged in place, as a
 * failing disk would, without the caller knowing the record format ({@code docs/format.md}).
 */
public record StoredChunk(ChunkId id, int packId, Path packFile, long offset) {
  /** A byte inside one field of a chunk record's header (format.md §1.3). */
  public enum RecordField {
    /** Byte 9, inside the raw length (bytes 8 to 11). */
    RAW_LENGTH(9),
    /** Byte 20, inside the chunk id (bytes 16 to 47). */
    CHUNK_ID(20),
    /** Byte 49, inside the payload's CRC32C (bytes 48 to 51). */
    PAYLOAD_CRC(49);

    private final int at;

    RecordField(int at) {
      this.at = at;
    }
  }

  /** A byte inside one field of a pack header (format.md §1.2). */
  public enum PackField {
    /** Byte 13, inside the pack number (bytes 12 to 15). */
    PACK_ID(13),
    /** Byte 20, inside the store id (bytes 16 to 23). */
    STORE_ID(20);

    private final int at;

    PackField(int at) {
      this.at = at;
    }
  }

  /** Flips every bit of byte {@code at} of the stored payload (as the codec wrote it). */
  public void flipPayloadByte(int at) throws IOException {
    flipByte(packFile, offset + RecordHeader.SIZE + at);
  }

  /** Flips every bit of a byte inside {@code field} of the record's header. */
  public void flip(RecordField field) throws IOException {
    flipByte(packFile, offset + field.at);
  }

  /** Flips every bit of a byte inside {@code field} of the header of the pack holding it. */
  public void flipPackHeader(PackField field) throws IOException {
    flipByte(packFile, field.at);
  }

  /** Flips every bit of the byte at {@code position} in {@code file}. */
  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) ~b.get(0));
      b.rewind();
      ch.write(b, position);
    }
  }
}
