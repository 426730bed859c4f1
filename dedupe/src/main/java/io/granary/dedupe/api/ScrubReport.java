package io.granary.dedupe.api;

import java.time.Duration;
import java.util.List;

/**
 * The result of a scrub: how much was verified, every chunk that failed and every pack whose
 * header failed.
 */
public record ScrubReport(
    long chunksChecked,
    long bytesChecked,
    List<DamagedChunk> damaged,
    long packsChecked,
    List<DamagedPack> damagedPacks,
    Duration elapsed) {
  public ScrubReport {
    damaged = List.copyOf(damaged);
    damagedPacks = List.copyOf(damagedPacks);
  }

  public boolean clean() {
    return damaged.isEmpty() && damagedPacks.isEmpty();
  }
}
