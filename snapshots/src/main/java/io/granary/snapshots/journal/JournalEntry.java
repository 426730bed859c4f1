package io.granary.snapshots.journal;

/** A replayed record: a write of {@code data} or, when {@code data} is null, a zeroed range. */
public record JournalEntry(long seq, long offset, int length, byte[] data) {
  public boolean isZero() {
    return data == null;
  }
}
