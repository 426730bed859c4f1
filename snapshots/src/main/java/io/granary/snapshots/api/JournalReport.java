package io.granary.snapshots.api;

import java.util.List;

/** What a check of every volume's journal found: how many it read, and the damaged ones. */
public record JournalReport(int journalsChecked, List<DamagedJournal> damaged) {
  public JournalReport {
    damaged = List.copyOf(damaged);
  }

  public boolean clean() {
    return damaged.isEmpty();
  }
}
