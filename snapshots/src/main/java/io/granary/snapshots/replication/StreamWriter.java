package io.granary.snapshots.replication;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.StoredChunk;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Writes a replication stream ({@code docs/format.md} §6): the file header, then records of
 * type, length, payload and a CRC-32C of the three. Counts what it wrote for the END record.
 * Not thread-safe.
 */
final class StreamWriter {
  private final DataOutputStream out;
  private long chunks;
  private long payloadBytes;
  private long bytes;
  private LongConsumer sent = n -> {};

  StreamWriter(OutputStream out) throws IOException {
    this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 20));
    this.out.write(StreamFormat.MAGIC);
    this.out.writeShort(StreamFormat.VERSION);
    this.out.writeShort(0);
    bytes = StreamFormat.HEADER_BYTES;
  }

  /** Tells {@code listener} the chunks written so far, every 256 chunks. */
  void onProgress(LongConsumer listener) {
    this.sent = listener;
  }

  void begin(StreamHeader header) throws IOException {
    record(StreamRecord.Type.BEGIN, header.encode());
  }

  void chunk(int level, StoredChunk c) throws IOException {
    ByteBuffer p = ByteBuffer.allocate(StreamFormat.CHUNK_FIELDS + c.payload().length);
    c.id().write(p);
    p.put((byte) level).put((byte) c.codec().code()).put((byte) c.level()).put((byte) 0);
    p.putInt(c.rawLength()).put(c.payload());
    record(StreamRecord.Type.CHUNK, p.array());
    chunks++;
    payloadBytes += c.payload().length;
    if ((chunks & 255) == 0) {
      sent.accept(chunks);
    }
  }

  /** Writes the END record and flushes; the stream is complete. */
  void end(ChunkId root) throws IOException {
    ByteBuffer p =
        ByteBuffer.allocate(StreamFormat.END_BYTES).putLong(chunks).putLong(payloadBytes);
    if (root != null) {
      root.write(p);
    }
    record(StreamRecord.Type.END, p.array());
    out.flush();
  }

  long chunks() {
    return chunks;
  }

  long bytes() {
    return bytes;
  }

  private void record(StreamRecord.Type type, byte[] payload) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] head = ByteBuffer.allocate(5).put((byte) type.code).putInt(payload.length).array();
    crc.update(head);
    crc.update(payload);
    out.write(head);
    out.write(payload);
    out.writeInt((int) crc.getValue());
    bytes += head.length + payload.length + 4L;
  }
}
