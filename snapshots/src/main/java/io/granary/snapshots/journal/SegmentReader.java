package io.granary.snapshots.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads one journal segment ({@code docs/format.md} §4.3) from its header to its end, the
 * zeroes of its prewritten space, or its first bad record, handing every record above the
 * covered sequence to a consumer. It never changes the file: whether a bad record is a torn
 * tail to cut or damage that keeps the volume closed depends on where the segment lies, which
 * the {@link Journal} decides.
 */
final class SegmentReader {
  /**
   * What a segment holds: its last valid sequence (0 if none), where its valid records end, and
   * why reading stopped before the end of the file or of its records ({@code null} if it did
   * not: the file ended, or only zeroes followed).
   */
  record Scan(Path path, long lastSeq, long validEnd, JournalDamage damage) {}

  private SegmentReader() {}

  /** Reads {@code f}; its records must continue the sequence after {@code prevLast}. */
  static Scan read(
      Path f, long volumeId, long coveredSeq, long prevLast, Consumer<JournalEntry> replay)
      throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(Journal.SEGMENT_HEADER);
      String bad = headerProblem(read(ch, head, 0), head.flip(), volumeId);
      if (bad != null) {
        return new Scan(f, 0, 0, new JournalDamage(f, 0, bad));
      }
      long last = 0;
      long pos = Journal.SEGMENT_HEADER;
      ByteBuffer rh = ByteBuffer.allocate(JournalRecord.HEADER_SIZE);
      while (pos < size) {
        rh.clear();
        int got = read(ch, rh, pos);
        JournalRecord r =
            got == JournalRecord.HEADER_SIZE ? JournalRecord.decodeHeader(rh.flip()) : null;
        if (r == null && zeroesToEnd(ch, pos, size)) {
          break; // the segment's prewritten space: its records end here
        }
        String damage =
            r == null
                ? headerOfRecordProblem(got)
                : placeProblem(r, pos, size, Math.max(last, prevLast));
        byte[] payload = null;
        if (damage == null && r.type() == JournalRecord.Type.WRITE) {
          payload = new byte[r.length()];
          read(ch, ByteBuffer.wrap(payload), pos + JournalRecord.HEADER_SIZE);
          if (JournalRecord.crc(payload, 0, payload.length) != r.payloadCrc()) {
            damage = "the payload of record " + r.seq() + " fails its checksum";
          }
        }
        if (damage != null) {
          return new Scan(f, last, pos, new JournalDamage(f, pos, damage));
        }
        if (r.seq() > coveredSeq) {
          replay.accept(new JournalEntry(r.seq(), r.offset(), r.length(), payload));
        }
        last = r.seq();
        pos += JournalRecord.HEADER_SIZE + r.payloadLength();
      }
      return new Scan(f, last, pos, null);
    }
  }

  /** Whether every byte from {@code pos} to {@code size} is zero. */
  private static boolean zeroesToEnd(FileChannel ch, long pos, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64 << 10);
    for (long at = pos; at < size; ) {
      b.clear().limit((int) Math.min(b.capacity(), size - at));
      int got = read(ch, b, at);
      if (got == 0) {
        return true; // shorter than its size said a moment ago: cut meanwhile
      }
      for (int i = 0; i < got; i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      at += got;
    }
    return true;
  }

  private static String headerProblem(int got, ByteBuffer b, long volumeId) {
    if (got < Journal.SEGMENT_HEADER) {
      return "a partial segment header (" + got + " of " + Journal.SEGMENT_HEADER + " bytes)";
    }
    byte[] magic = new byte[Journal.MAGIC.length];
    b.get(0, magic);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 24);
    if (!Arrays.equals(magic, Journal.MAGIC) || b.getInt(24) != (int) crc.getValue()) {
      return "no valid segment header (magic or checksum)";
    }
    if (b.getShort(8) != 1) {
      return "segment format version " + b.getShort(8) + ", not 1";
    }
    if (b.getLong(16) != volumeId) {
      return "the segment belongs to volume " + Long.toHexString(b.getLong(16));
    }
    return null;
  }

  private static String headerOfRecordProblem(int got) {
    return got < JournalRecord.HEADER_SIZE
        ? "a partial record header (" + got + " of " + JournalRecord.HEADER_SIZE + " bytes)"
        : "no valid record header (magic, checksum or fields)";
  }

  private static String placeProblem(JournalRecord r, long pos, long size, long prevSeq) {
    if (r.seq() <= prevSeq) {
      return "record " + r.seq() + " does not follow record " + prevSeq;
    }
    long end = pos + JournalRecord.HEADER_SIZE + r.payloadLength();
    if (end > size) {
      return "record " + r.seq() + " runs " + (end - size) + " bytes past the end of the file";
    }
    return null;
  }

  static int read(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
