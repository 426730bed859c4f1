package io.granary.dedupe.gc;

import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.index.PackState;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.PackStorage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rewrites packs whose live fraction fell below a threshold and deletes them
 * ({@code docs/format.md} §2.6): copy live records to the active pack, sync (which commits
 * their new locations), retire, unlink, forget. Runs under the store's maintenance lock, so
 * never concurrently with a sweep; puts and reads go on.
 */
public final class PackCompactor {
  private static final System.Logger LOG = System.getLogger(PackCompactor.class.getName());

  private final PackStorage storage;
  private final ChunkIndex index;
  private final CompactionTarget target;

  public PackCompactor(PackStorage storage, ChunkIndex index, CompactionTarget target) {
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
    List<Integer> victims = new ArrayList<>(chosen.keySet());
    int done = 0;
    for (int packId : victims) {
      if (chosen.get(packId).liveRecords() > 0) {
        copyLiveRecords(packId);
      }
      progress.progress("compact", ++done, victims.size());
    }
    target.sync();
    long reclaimed = 0;
    int compacted = 0;
    Map<Integer, PackState> table = index.packs();
    for (int packId : victims) {
      PackState s = table.get(packId);
      if (s != null && s.liveRecords() > 0) {
        // A record that could not be copied (damaged) is still indexed here; keep the pack.
        LOG.log(Level.WARNING, "pack {0} still holds {1} indexed records; not deleted",
            Integer.toHexString(packId), s.liveRecords());
        continue;
      }
      long size = storage.size(packId);
      index.apply(new IndexBatch().retirePack(packId));
      target.forgetPack(packId);
      storage.delete(packId);
      storage.syncDirectory();
      index.apply(new IndexBatch().forgetPack(packId));
      reclaimed += size;
      compacted++;
    }
    LOG.log(Level.INFO, "compacted {0} packs, {1} bytes reclaimed", compacted, reclaimed);
    return new Result(compacted, reclaimed);
  }

  private Map<Integer, PackState> choose(double compactBelow) throws IOException {
    Map<Integer, PackState> victims = new java.util.TreeMap<>();
    int active = target.activePackId();
    for (Map.Entry<Integer, PackState> e : index.packs().entrySet()) {
      int packId = e.getKey();
      PackState s = e.getValue();
      if (packId == active || s.retired()) {
        continue;
      }
      long payload = storage.size(packId) - PackHeader.SIZE;
      if (s.liveRecords() == 0 || s.liveBytes() < compactBelow * payload) {
        victims.put(packId, s);
      }
    }
    return victims;
  }

  private void copyLiveRecords(int packId) throws IOException {
    try (PackStorage.Reader reader = storage.openForRead(packId)) {
      PackScanner.scan(reader, PackHeader.SIZE, record -> target.relocate(record.header().id(),
          new PackLocation(packId, record.offset()), record));
    }
  }
}
