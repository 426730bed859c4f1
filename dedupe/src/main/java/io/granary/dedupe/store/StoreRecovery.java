package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.index.PackState;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackListing;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.RecordFormatException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the index up to date with the packs when a store opens ({@code docs/format.md} §2.3):
 * deletes retired packs, scans every live pack past its indexed-up-to offset, indexes valid
 * records, cuts torn tails. With an empty index this is a full rebuild from the packs.
 * Idempotent: it commits progress per pack, so a crash during recovery resumes where it stopped.
 */
final class StoreRecovery {
  private static final System.Logger LOG = System.getLogger(StoreRecovery.class.getName());
  private static final int ENTRIES_PER_COMMIT = 100_000;

  private final PackMedium storage;
  private final ChunkIndex index;
  private final long storeId;

  /** Told after each pack ({@code "packs"}, done, total): an attach's rebuild takes minutes. */
  private final ProgressListener progress;

  StoreRecovery(PackMedium storage, ChunkIndex index, long storeId, ProgressListener progress) {
    this.storage = storage;
    this.index = index;
    this.storeId = storeId;
    this.progress = progress;
  }

  /** What recovery did, and the first pack number free for new packs. */
  record Outcome(int nextPackId, long recordsIndexed, long tornTails, long damagedRegions) {}

  Outcome run() throws IOException {
    Map<Integer, PackState> table = index.packs();
    List<Integer> present = storage.list();
    int next = 1;
    long indexed = 0;
    long torn = 0;
    long damaged = 0;
    int done = 0;
    for (int packId : present) {
      progress.progress("packs", done++, present.size());
      next = Math.max(next, packId + 1);
      PackState state = table.get(packId);
      if (state != null && state.retired()) {
        storage.delete(packId);
        index.apply(new IndexBatch().forgetPack(packId));
        LOG.log(Level.INFO, "deleted retired pack {0}", hex(packId));
        continue;
      }
      PackReport r = recoverPack(packId, state);
      indexed += r.indexed;
      torn += r.torn ? 1 : 0;
      damaged += r.damagedRegions;
    }
    progress.progress("packs", done, present.size());
    for (Map.Entry<Integer, PackState> e : table.entrySet()) {
      int packId = e.getKey();
      next = Math.max(next, packId + 1);
      if (!present.contains(packId)) {
        if (e.getValue().retired() || e.getValue().liveRecords() == 0) {
          index.apply(new IndexBatch().forgetPack(packId));
        } else {
          LOG.log(
              Level.ERROR,
              "pack {0} is missing: {1} chunks in it cannot be read",
              hex(packId),
              e.getValue().liveRecords());
        }
      }
    }
    storage.syncSpool();
    return new Outcome(next, indexed, torn, damaged);
  }

  private record PackReport(long indexed, boolean torn, long damagedRegions) {}

  private PackReport recoverPack(int packId, PackState state) throws IOException {
    long size = storage.size(packId);
    long from = state == null ? PackHeader.SIZE : Math.max(state.indexedUpTo(), PackHeader.SIZE);
    if (state != null && from == size) {
      // Indexed to its end, header checked then: nothing to read (on an object store, no GET).
      return new PackReport(0, false, 0);
    }
    if (state == null) {
      PackReport listed = fromListing(packId, size);
      if (listed != null) {
        return listed;
      }
    }
    if (!headerValid(packId, size)) {
      if (state == null && size <= PackHeader.SIZE) {
        // A crash while the pack was being created: nothing was ever written to it.
        storage.delete(packId);
        LOG.log(Level.INFO, "deleted empty pack {0} left by an interrupted creation", hex(packId));
        return new PackReport(0, false, 0);
      }
      LOG.log(
          Level.ERROR, "pack {0} has a damaged header; scanning its records anyway", hex(packId));
    }
    if (from > size) {
      LOG.log(
          Level.ERROR,
          "pack {0} is {1} bytes but the index covers {2}: data was lost",
          hex(packId),
          size,
          from);
      return new PackReport(0, false, 0);
    }
    if (from == size) {
      return new PackReport(0, false, 0);
    }
    Scan scan = new Scan(packId);
    PackScanner.Result result;
    try (PackMedium.Reader reader = storage.openForRead(packId)) {
      result = PackScanner.scan(reader, from, scan);
    }
    if (result.tornTail()) {
      storage.truncate(packId, result.end());
      LOG.log(
          Level.WARNING,
          "pack {0}: cut a torn record at offset {1} ({2} bytes)",
          hex(packId),
          result.end(),
          size - result.end());
    }
    scan.batch.indexedUpTo(packId, result.end());
    index.apply(scan.batch);
    if (scan.indexed > 0) {
      LOG.log(
          Level.INFO,
          "pack {0}: indexed {1} records past offset {2}",
          hex(packId),
          scan.indexed,
          from);
    }
    return new PackReport(scan.indexed, result.tornTail(), scan.damagedRegions);
  }

  /**
   * Indexes an unknown pack from its listing, if the medium keeps one that matches the pack
   * (an object store: a few KiB read instead of the pack); null to scan the pack instead.
   */
  private PackReport fromListing(int packId, long size) throws IOException {
    byte[] bytes = storage.listing(packId);
    if (bytes == null) {
      return null;
    }
    PackListing listing;
    try {
      listing = PackListing.decode(bytes);
    } catch (RecordFormatException e) {
      LOG.log(
          Level.WARNING,
          "pack {0}: its listing is damaged ({1}); scanning the pack",
          hex(packId),
          e.getMessage());
      return null;
    }
    PackHeader h = listing.header();
    if (listing.packSize() != size || h.packId() != packId) {
      return null;
    }
    if (h.storeId() != storeId) {
      throw new StoreException(
          StoreException.Kind.BAD_FORMAT,
          "pack "
              + hex(packId)
              + " belongs to another store (its listing says store "
              + Long.toHexString(h.storeId())
              + ")");
    }
    Scan scan = new Scan(packId);
    for (PackScanner.ScannedRecord r : listing.records()) {
      scan.record(r);
    }
    scan.batch.indexedUpTo(packId, size);
    index.apply(scan.batch);
    return new PackReport(scan.indexed, false, 0);
  }

  private boolean headerValid(int packId, long size) throws IOException {
    if (size < PackHeader.SIZE) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(PackHeader.SIZE);
    try (PackMedium.Reader reader = storage.openForRead(packId)) {
      reader.read(b, 0);
    }
    PackHeader h;
    try {
      h = PackHeader.decode(b.flip());
    } catch (RecordFormatException e) {
      return false;
    }
    if (h.storeId() != storeId || h.packId() != packId) {
      throw new StoreException(
          StoreException.Kind.BAD_FORMAT,
          "pack "
              + hex(packId)
              + " belongs to another store or was renamed (header says store "
              + Long.toHexString(h.storeId())
              + ", pack "
              + hex(h.packId())
              + ")");
    }
    return true;
  }

  /** Collects the records one pack scan finds, committing every so often. */
  private final class Scan implements PackScanner.Visitor {
    private final int packId;
    private final Set<ChunkId> inBatch = new HashSet<>();
    IndexBatch batch = new IndexBatch();
    long indexed;
    long damagedRegions;

    Scan(int packId) {
      this.packId = packId;
    }

    @Override
    public void record(PackScanner.ScannedRecord r) throws IOException {
      ChunkId id = r.header().id();
      if (inBatch.contains(id) || index.get(id) != null) {
        return; // a second copy (an interrupted compaction, a raced put): garbage
      }
      PackLocation loc = new PackLocation(packId, r.offset());
      batch.put(id, IndexEntry.of(loc, r.header())).addIngested(r.header().rawLength());
      inBatch.add(id);
      indexed++;
      if (inBatch.size() >= ENTRIES_PER_COMMIT) {
        batch.indexedUpTo(packId, r.end());
        index.apply(batch);
        batch = new IndexBatch();
        inBatch.clear();
      }
    }

    @Override
    public void damaged(long from, long to) {
      damagedRegions++;
      LOG.log(
          Level.ERROR,
          "pack {0}: bytes {1}..{2} hold no valid record (damage); skipped",
          hex(packId),
          from,
          to);
    }
  }

  private static String hex(int packId) {
    return String.format("%08x", packId);
  }
}
