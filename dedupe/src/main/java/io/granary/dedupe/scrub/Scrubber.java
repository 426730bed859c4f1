package io.granary.dedupe.scrub;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.DamagedChunk;
import io.granary.dedupe.api.DamagedPack;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.index.PackState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Verifies the header of every live pack, then every indexed chunk: reads its record, checks
 * the checksums, decompresses and re-hashes it. Pages of the index are visited in pack order so
 * the reads are mostly sequential. Damage is collected, never fatal: the rest of the store
 * keeps working.
 */
public final class Scrubber {
  private static final int PAGE = 100_000;

  /** Checks one chunk; returns why it is damaged, or {@code null} when it is sound. */
  @FunctionalInterface
  public interface ChunkVerifier {
    String verify(ChunkId id, IndexEntry entry) throws IOException;
  }

  /** Checks one pack's header; returns why it is damaged, or {@code null} when it is sound. */
  @FunctionalInterface
  public interface PackVerifier {
    String verify(int packId) throws IOException;
  }

  private final ChunkIndex index;
  private final ChunkVerifier verifier;
  private final PackVerifier packVerifier;

  public Scrubber(ChunkIndex index, ChunkVerifier verifier, PackVerifier packVerifier) {
    this.index = index;
    this.verifier = verifier;
    this.packVerifier = packVerifier;
  }

  public ScrubReport scrub(ProgressListener progress) throws IOException {
    long start = System.nanoTime();
    List<DamagedPack> damagedPacks = new ArrayList<>();
    long packsChecked = 0;
    for (Map.Entry<Integer, PackState> p : index.packs().entrySet()) {
      if (p.getValue().retired()) {
        continue;
      }
      String reason = packVerifier.verify(p.getKey());
      if (reason != null) {
        damagedPacks.add(new DamagedPack(p.getKey(), reason));
      }
      packsChecked++;
    }
    long total = index.counters().chunks();
    long checked = 0;
    long bytes = 0;
    List<DamagedChunk> damaged = new ArrayList<>();
    ChunkId after = null;
    while (true) {
      List<ChunkIndex.IndexedChunk> page = index.scan(after, PAGE);
      if (page.isEmpty()) {
        break;
      }
      after = page.get(page.size() - 1).id();
      List<ChunkIndex.IndexedChunk> byLocation = new ArrayList<>(page);
      byLocation.sort(Comparator.comparing(c -> c.entry().location()));
      for (ChunkIndex.IndexedChunk c : byLocation) {
        String reason = verifier.verify(c.id(), c.entry());
        if (reason != null) {
          damaged.add(
              new DamagedChunk(
                  c.id(), c.entry().location().packId(), c.entry().location().offset(), reason));
        }
        checked++;
        bytes += c.entry().rawLength();
        if (checked % 4096 == 0) {
          progress.progress("scrub", checked, total);
        }
      }
    }
    progress.progress("scrub", checked, total);
    return new ScrubReport(
        checked,
        bytes,
        damaged,
        packsChecked,
        damagedPacks,
        Duration.ofNanos(System.nanoTime() - start));
  }
}
