package io.granary.dedupe.pack;

import io.granary.dedupe.api.PackMedium;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks the records of one pack in file order, for recovery, index rebuild and compaction.
 * An invalid record starts a damaged region; the scanner searches forward for the next valid
 * record. If none follows, the region is a torn tail (a crash in the middle of an append).
 */
public final class PackScanner {
  private static final int WINDOW = 1 << 20;

  private PackScanner() {}

  /** A valid record: where it starts, its header and its whole bytes (header then payload). */
  public record ScannedRecord(long offset, RecordHeader header, ByteBuffer bytes) {
    public long end() {
      return offset + header.recordLength();
    }
  }

  /** Receives what the scan finds. */
  public interface Visitor {
    void record(ScannedRecord record) throws IOException;

    /** Bytes {@code [from, to)} hold no valid record but a valid record follows them. */
    default void damaged(long from, long to) {}
  }

  /**
   * Where the scan stopped: {@code end} is just past the last valid record; {@code tornTail}
   * says that bytes after {@code end} are an unfinished record.
   */
  public record Result(long end, boolean tornTail) {}

  public static Result scan(PackMedium.Reader reader, long from, Visitor visitor)
      throws IOException {
    long size = reader.size();
    long pos = Math.max(from, PackHeader.SIZE);
    while (pos < size) {
      ScannedRecord r = tryRead(reader, pos, size);
      if (r != null) {
        visitor.record(r);
        pos = r.end();
        continue;
      }
      long next = findNextValid(reader, pos + 1, size);
      if (next < 0) {
        return new Result(pos, true);
      }
      visitor.damaged(pos, next);
      pos = next;
    }
    return new Result(pos, false);
  }

  /** The valid record at {@code pos}, or {@code null}. */
  static ScannedRecord tryRead(PackMedium.Reader reader, long pos, long size) throws IOException {
    if (size - pos < RecordHeader.SIZE) {
      return null;
    }
    ByteBuffer head = ByteBuffer.allocate(RecordHeader.SIZE);
    if (reader.read(head, pos) < RecordHeader.SIZE) {
      return null;
    }
    RecordHeader header;
    try {
      header = RecordHeader.decode(head.flip());
    } catch (RecordFormatException e) {
      return null;
    }
    if (pos + header.recordLength() > size) {
      return null;
    }
    ByteBuffer record = ByteBuffer.allocate((int) header.recordLength());
    record.put(head.rewind());
    if (reader.read(record, pos + RecordHeader.SIZE) < header.storedLength()) {
      return null;
    }
    int crc = RecordHeader.payloadCrc(record.array(), RecordHeader.SIZE, header.storedLength());
    if (crc != header.payloadCrc()) {
      return null;
    }
    return new ScannedRecord(pos, header, record.rewind());
  }

  /** The offset of the next valid record at or after {@code from}, or -1. */
  private static long findNextValid(PackMedium.Reader reader, long from, long size)
      throws IOException {
    ByteBuffer window = ByteBuffer.allocate(WINDOW);
    for (long base = from; base + RecordHeader.SIZE <= size; base += WINDOW - 3) {
      window.clear();
      int n = reader.read(window, base);
      for (int i = 0; i + 4 <= n; i++) {
        if (window.getInt(i) == RecordHeader.MAGIC && tryRead(reader, base + i, size) != null) {
          return base + i;
        }
      }
      if (n < WINDOW) {
        break;
      }
    }
    return -1;
  }
}
