package io.granary.snapshots.journal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One read-only pass over a journal's segments, oldest first ({@code docs/format.md} §4.4): it
 * replays their records and sorts out what is wrong in them. A bad record in the newest segment
 * is a torn write, which opening cuts off. Anything wrong in an older segment is damage, since a
 * flush fsyncs a segment before a newer one can exist: the journal must not open, unless a
 * committed root covers that whole segment (its records are never needed again).
 */
final class JournalReplay {
  private static final System.Logger LOG = System.getLogger(JournalReplay.class.getName());

  /** Every segment read, oldest first, and the damage that keeps the journal from opening. */
  record Result(List<SegmentReader.Scan> segments, List<JournalDamage> damage) {}

  private JournalReplay() {}

  static Result run(Path dir, long volumeId, long coveredSeq, Consumer<JournalEntry> replay)
      throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.wal")) {
      ds.forEach(files::add);
    }
    files.sort(null); // fixed-width hex names sort by sequence
    List<SegmentReader.Scan> segments = new ArrayList<>();
    List<JournalDamage> damage = new ArrayList<>();
    long previous = 0;
    for (int i = 0; i < files.size(); i++) {
      SegmentReader.Scan s;
      try {
        s = SegmentReader.read(files.get(i), volumeId, coveredSeq, previous, replay);
      } catch (NoSuchFileException released) {
        continue; // an open journal released it since the listing: a root covers it
      }
      if (s.damage() != null && i < files.size() - 1) {
        if (lastSeqBefore(files.get(i + 1)) <= coveredSeq) {
          LOG.log(Level.WARNING, "{0}; a committed root covers the segment", s.damage());
        } else {
          damage.add(s.damage());
        }
      }
      segments.add(s);
      previous = Math.max(previous, s.lastSeq());
    }
    return new Result(segments, damage);
  }

  /** The highest sequence the segments before {@code next} can hold, by {@code next}'s name. */
  private static long lastSeqBefore(Path next) {
    String name = next.getFileName().toString();
    try {
      return Long.parseUnsignedLong(name.substring(0, name.length() - ".wal".length()), 16) - 1;
    } catch (NumberFormatException notASegmentName) {
      return Long.MAX_VALUE;
    }
  }
}
