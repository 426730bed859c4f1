package io.granary.dedupe.api;

import java.time.Duration;
import java.util.List;

/** The result of a scrub: how much was verified and every chunk that failed. */
public record ScrubReport(long chunksChecked, long bytesChecked, List<DamagedChunk> damaged,
    Duration elapsed) {
  public ScrubReport {
    damaged = List.copyOf(damaged);
  }

  public boolean clean() {
    return damaged.isEmpty();
  }
}
