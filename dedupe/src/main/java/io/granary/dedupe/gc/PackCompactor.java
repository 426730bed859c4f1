package io.granary.dedupe.gc;

import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.StoreFullException;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.index.PackState;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackScanner;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites packs whose live fraction fell below a threshold and deletes them
 * ({@code docs/format.md} §2.6): copy live records to the active pack, sync (which commits
 * their new locations), retire, unlink, forget. Runs under the store's maintenance lock, so
 * never concurrently with a sweep; puts and reads go on. On a full disk it frees what it can:
 * dead packs first, then as many copies as fit.
 */
public final class PackCompactor {
  private static final System.Logger LOG = System.getLogger(PackCompactor.class.getName());

  private final PackMedium storage;
  private final ChunkIndex index;
  private final CompactionTarget target;

  public PackCompactor(PackMedium storage, ChunkIndex index, CompactionTarget target) {
    this.storage = storage;
    this.index = index;
    this.target = target;
  }

  /** Packs rewritten and bytes given back to the file system. */
  public record Result(int packsCompacted, long bytesReclaimed) {}

  public Result compact(double compactBelow, ProgressListener progress) throws IOException {
    target.sync(); // the pack table's live counts must include every append so far
    Map<Integer, PackState> chosen = choose(compactBelow);
    if (chosen.isEmpty()) {
      return new Result(0, 0);
    }
    // Dead packs first: deleting them needs no space, and on a full disk the space they give
    // back is what lets the live records of the others be copied.
    List<Integer> dead = new ArrayList<>();
    List<Integer> partlyLive = new ArrayList<>();
    chosen.forEach((packId, s) -> (s.liveRecords() == 0 ? dead : partlyLive).add(packId));
    Result freed = deleteEmptied(dead);
    int done = dead.size();
    progress.progress("compact", done, chosen.size());
    List<Integer> copied = new ArrayList<>();
    for (int packId : partlyLive) {
      try {
        copyLiveRecords(packId);
      } catch (StoreFullException e) {
        // What was copied so far is committed below; the rest waits for the next collection.
        LOG.log(
            Level.WARNING,
            "compaction stopped at pack {0}: no space left to copy its live "
                + "records; {1} packs left for a later collection",
            Integer.toHexString(packId),
            partlyLive.size() - copied.size());
        break;
      }
      copied.add(packId);
      progress.progress("compact", ++done, chosen.size());
    }
    target.sync();
    Result moved = deleteEmptied(copied);
    Result total =
        new Result(
            freed.packsCompacted() + moved.packsCompacted(),
            freed.bytesReclaimed() + moved.bytesReclaimed());
    LOG.log(
        Level.INFO,
        "compacted {0} packs, {1} bytes reclaimed",
        total.packsCompacted(),
        total.bytesReclaimed());
    return total;
  }

  /** Retires and deletes those of {@code packIds} that no indexed record points into. */
  private Result deleteEmptied(List<Integer> packIds) throws IOException {
    long reclaimed = 0;
    int compacted = 0;
    Map<Integer, PackState> table = index.packs();
    for (int packId : packIds) {
      PackState s = table.get(packId);
      if (s != null && s.liveRecords() > 0) {
        // A record that could not be copied (damaged, or no space) is still indexed here.
        LOG.log(
            Level.WARNING,
            "pack {0} still holds {1} indexed records; not deleted",
            Integer.toHexString(packId),
            s.liveRecords());
        continue;
      }
      long size = Math.max(0, sizeOrMissing(packId)); // a lost pack gives nothing back
      index.apply(new IndexBatch().retirePack(packId));
      target.forgetPack(packId);
      storage.delete(packId);
      storage.syncSpool();
      index.apply(new IndexBatch().forgetPack(packId));
      reclaimed += size;
      compacted++;
    }
    return new Result(compacted, reclaimed);
  }

  private Map<Integer, PackState> choose(double compactBelow) throws IOException {
    Map<Integer, PackState> victims = new TreeMap<>();
    int active = target.activePackId();
    for (Map.Entry<Integer, PackState> e : index.packs().entrySet()) {
      int packId = e.getKey();
      PackState s = e.getValue();
      if (packId == active || s.retired()) {
        continue;
      }
      long size = sizeOrMissing(packId);
      if (size < 0 && s.liveRecords() > 0) {
        // Lost (its file or object gone): its chunks read as damaged until written again,
        // which moves them elsewhere; then it holds nothing and is forgotten below.
        LOG.log(
            Level.WARNING,
            "pack {0} is missing: {1} indexed records in it cannot be read or compacted",
            Integer.toHexString(packId),
            s.liveRecords());
        continue;
      }
      long payload = size - PackHeader.SIZE;
      if (s.liveRecords() == 0 || s.liveBytes() < compactBelow * payload) {
        victims.put(packId, s);
      }
    }
    return victims;
  }

  /** The pack's size, or -1 when the medium no longer has it (lost, or never uploaded). */
  private long sizeOrMissing(int packId) throws IOException {
    try {
      return storage.size(packId);
    } catch (NoSuchFileException gone) {
      return -1;
    }
  }

  private void copyLiveRecords(int packId) throws IOException {
    try (PackMedium.Reader reader = storage.openForRead(packId)) {
      PackScanner.scan(
          reader,
          PackHeader.SIZE,
          record ->
              target.relocate(
                  record.header().id(), new PackLocation(packId, record.offset()), record));
    }
  }
}
