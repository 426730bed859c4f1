package io.granary.snapshots.journal;

import java.nio.file.Path;

/** What is wrong in a journal segment, and where: the evidence a scrub or a refused open gives. */
public record JournalDamage(Path segment, long offset, String reason) {
  @Override
  public String toString() {
    return "journal segment " + segment + " is damaged at offset " + offset + ": " + reason;
  }
}
