package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.ChunkOracle;
import io.granary.snapshots.api.DamagedBlocks;
import io.granary.snapshots.api.DamagedJournal;
import io.granary.snapshots.api.DirtyMemory;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.FlushPublisher;
import io.granary.snapshots.api.JournalReport;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SendPlan;
import io.granary.snapshots.api.SendReport;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.SpaceReport;
import io.granary.snapshots.api.SpaceUsage;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStats;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.journal.JournalDamage;
import io.granary.snapshots.overlay.DirtyBudget;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The volumes of one pool, put together: the open engines ({@link OpenVolumes}), the names
 * and their changes ({@link VolumeNamespace}), when volumes flush ({@link FlushScheduler}),
 * and the queries and pool-wide work that span volumes (list, diff, stats, collection, the
 * journal check). Thread-safe; the namespace serializes changes of names.
 *
 * <p>Two modes a pool on an object store sets: read-only (every change refused, volumes open
 * read-only), and a {@link FlushPublisher} (durability remote), which every FLUSH, FUA and
 * change of names or sizes waits for once committed, outside every lock of this store.
 */
public final class DefaultVolumeStore implements VolumeStore {
  private static final System.Logger LOG = System.getLogger(DefaultVolumeStore.class.getName());

  private final FlushScheduler flushes;
  private final VolumeContext ctx;
  private final OpenVolumes open;
  private final VolumeNamespace names;
  private final Replicas replicas;

  /** Whether every change is refused (a pool attached read-only). */
  private final boolean readOnly;

  private DefaultVolumeStore(
      VolumeStoreConfig config, ChunkStore store, DirtyBudget dirty, boolean readOnly) {
    this.readOnly = readOnly;
    this.flushes = new FlushScheduler(config.flushThreads());
    this.ctx = new VolumeContext(config, store, flushes.workers(), dirty);
    this.open = new OpenVolumes(ctx);
    this.names = new VolumeNamespace(ctx, open, r -> info(r, 0));
    this.replicas = new Replicas(ctx, names, open);
  }

  /** A bound for the dirty blocks of the pools opened with it. */
  public static DirtyMemory dirtyMemory(long limitBytes) {
    return new DirtyBudget(limitBytes);
  }

  /** A pool with a dirty budget of its own, of {@code config.dirtyLimitBytes()}. */
  public static DefaultVolumeStore open(ChunkStore store, VolumeStoreConfig config)
      throws IOException {
    return open(store, config, new DirtyBudget(config.dirtyLimitBytes()));
  }

  /** A pool that takes its dirty memory from {@code dirty}, shared with other pools. */
  public static DefaultVolumeStore open(
      ChunkStore store, VolumeStoreConfig config, DirtyMemory dirty) throws IOException {
    return open(store, config, dirty, false);
  }

  /** The same, refusing every change when {@code readOnly}. */
  public static DefaultVolumeStore open(
      ChunkStore store, VolumeStoreConfig config, DirtyMemory dirty, boolean readOnly)
      throws IOException {
    if (!(dirty instanceof DirtyBudget budget)) {
      throw new IllegalArgumentException("dirty memory comes from VolumeStores.dirtyMemory");
    }
    Files.createDirectories(config.journalDirectory());
    DefaultVolumeStore s = new DefaultVolumeStore(config, store, budget, readOnly);
    long provisioned = 0;
    for (VolumeRecord r : s.ctx.catalog.volumes()) {
      provisioned += r.size();
    }
    s.ctx.space.initProvisioned(provisioned);
    s.flushes.start(s.ctx, s.open);
    return s;
  }

  private void checkOpen() throws VolumeException {
    names.checkOpen();
  }

  private void writable() throws ReadOnlyVolumeException {
    if (readOnly) {
      throw new ReadOnlyVolumeException("the pool is attached read-only: nothing in it changes");
    }
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Returns {@code result} once the change just committed is published, on a pool whose
   * durability is remote (a snapshot acknowledged is in the bucket, as a FLUSH is).
   */
  private <T> T published(T result) throws IOException {
    FlushPublisher publisher = ctx.flushPublisher;
    if (publisher != null) {
      publisher.publish();
    }
    return result;
  }

  private VolumeRecord requireVolume(String name) throws IOException {
    return names.requireVolume(name);
  }

  // ---- names

  @Override
  public VolumeInfo create(String name, VolumeSpec spec) throws IOException {
    writable();
    return published(names.create(name, spec));
  }

  @Override
  public void setServices(String volume, String codec, boolean dedupe, String profile)
      throws IOException {
    writable();
    names.setServices(volume, codec, dedupe, profile);
    published(null);
  }

  @Override
  public void rename(String name, String newName) throws IOException {
    writable();
    names.rename(name, newName);
    published(null);
  }

  @Override
  public void delete(String name, boolean withSnapshots) throws IOException {
    writable();
    names.delete(name, withSnapshots);
    published(null);
  }

  @Override
  public SnapshotInfo snapshot(String volume, String snapshot) throws IOException {
    writable();
    return published(names.snapshot(volume, snapshot));
  }

  @Override
  public void deleteSnapshot(String volume, String snapshot) throws IOException {
    writable();
    names.deleteSnapshot(volume, snapshot);
    published(null);
  }

  @Override
  public void rollback(String volume, String snapshot) throws IOException {
    writable();
    names.rollback(volume, snapshot);
    published(null);
  }

  @Override
  public VolumeInfo clone(String volume, String snapshot, String newName) throws IOException {
    writable();
    return published(names.clone(volume, snapshot, newName));
  }

  // ---- replication

  @Override
  public SendReport send(StateRef snapshot, String base, String source, OutputStream out)
      throws IOException {
    checkOpen();
    return replicas.send(snapshot, base, source, out);
  }

  @Override
  public SendPlan planSend(StateRef snapshot, String base, String source, ChunkOracle receiver)
      throws IOException {
    checkOpen();
    return replicas.plan(snapshot, base, source, receiver);
  }

  @Override
  public boolean[] have(List<ChunkId> ids) throws IOException {
    checkOpen();
    return replicas.have(ids);
  }

  @Override
  public ReceiveReport receive(String volume, InputStream in, boolean force) throws IOException {
    checkOpen();
    writable();
    return published(replicas.receive(volume, in, force));
  }

  @Override
  public void promote(String volume) throws IOException {
    checkOpen();
    writable();
    names.promote(volume);
    published(null);
  }

  // ---- volumes

  @Override
  public Volume open(String name) throws IOException {
    VolumeEngine e = names.engine(requireVolume(name));
    Volume v = new VolumeHandle(e);
    // A replica changes only by receiving: its handles are read-only until it is promoted.
    return readOnly || e.record().isReplica() ? new ReadOnlyHandle(v) : v;
  }

  @Override
  public Volume openSnapshot(String volume, String snapshot) throws IOException {
    checkOpen();
    VolumeRecord v = requireVolume(volume);
    SnapshotRecord s = names.requireSnapshot(v, snapshot);
    return new SnapshotView(ctx, volume + "@" + snapshot, s, open.openView(v.id(), snapshot));
  }

  @Override
  public List<VolumeInfo> list() throws IOException {
    Map<Long, Integer> counts = new HashMap<>();
    for (SnapshotRecord s : ctx.catalog.snapshots(-1)) {
      counts.merge(s.volumeId(), 1, Integer::sum);
    }
    List<VolumeInfo> out = new ArrayList<>();
    for (VolumeRecord r : ctx.catalog.volumes()) {
      out.add(info(r, counts.getOrDefault(r.id(), 0)));
    }
    return out;
  }

  @Override
  public VolumeInfo info(String name) throws IOException {
    VolumeRecord r = requireVolume(name);
    return info(r, ctx.catalog.snapshots(r.id()).size());
  }

  private VolumeInfo info(VolumeRecord r, int snapshots) {
    VolumeEngine e = open.get(r.id());
    long size = e != null ? e.size() : r.size();
    String replicaOf = (e != null ? e.record() : r).replicaOf();
    return new VolumeInfo(
        r.name(),
        size,
        r.blockSize(),
        r.codec(),
        r.profile(),
        Instant.ofEpochMilli(r.createdMillis()),
        Instant.ofEpochMilli(r.modifiedMillis()),
        r.origin().isEmpty() ? null : r.origin(),
        snapshots,
        r.dedupe(),
        replicaOf.isEmpty() ? null : replicaOf);
  }

  @Override
  public int openHandles(String name) throws IOException {
    return open.handles(requireVolume(name));
  }

  @Override
  public List<SnapshotInfo> snapshots(String volume) throws IOException {
    VolumeRecord r = requireVolume(volume);
    List<SnapshotInfo> out = new ArrayList<>();
    for (SnapshotRecord s : ctx.catalog.snapshots(r.id())) {
      out.add(VolumeNamespace.snapshotInfo(volume, s));
    }
    out.sort(Comparator.comparing(SnapshotInfo::created).thenComparing(SnapshotInfo::name));
    return out;
  }

  /** A state's committed root, size and block size. */
  private record Tree(ChunkId root, long size, int blockSize) {
    int depth() {
      return TreeShape.depth(TreeShape.blocks(size, blockSize));
    }
  }

  private Tree tree(StateRef ref) throws IOException {
    VolumeRecord r = requireVolume(ref.volume());
    if (ref.isHead()) {
      VolumeRecord committed = names.engine(r).flushAndGetRecord();
      return new Tree(committed.root(), committed.size(), committed.blockSize());
    }
    SnapshotRecord s = names.requireSnapshot(r, ref.snapshot());
    return new Tree(s.root(), s.size(), s.blockSize());
  }

  @Override
  public List<Extent> diff(StateRef from, StateRef to, long offset, long length)
      throws IOException {
    checkOpen();
    Tree a = tree(from);
    Tree b = tree(to);
    if (a.blockSize != b.blockSize) {
      throw new VolumeException(
          VolumeException.Kind.INVALID,
          "cannot diff " + from + " and " + to + ": their block sizes differ");
    }
    long start = offset;
    long end =
        Math.min(
            Math.max(a.size, b.size),
            length > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + length);
    List<Extent> out = new ArrayList<>();
    if (start >= end) {
      return out;
    }
    int bs = a.blockSize;
    ctx.map.diff(
        a.root,
        a.depth(),
        b.root,
        b.depth(),
        start / bs,
        (end - 1) / bs + 1,
        (first, count) -> {
          long s = Math.max(start, first * bs);
          long e = Math.min(end, (first + count) * bs);
          if (s >= e) {
            return;
          }
          Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
          if (last != null && last.end() == s) {
            out.set(out.size() - 1, new Extent(last.offset(), e - last.offset(), true));
          } else {
            out.add(new Extent(s, e - s, true));
          }
        });
    return out;
  }

  @Override
  public VolumeStats stats(String name) throws IOException {
    checkOpen();
    VolumeRecord r = requireVolume(name);
    VolumeEngine e = open.get(r.id());
    Tree head = e != null ? tree(StateRef.head(name)) : new Tree(r.root(), r.size(), r.blockSize());
    return new StatsWalk(ctx, this::committedHead)
        .stats(r, head.root(), head.size(), e != null ? e.bytesWritten() : r.bytesWritten());
  }

  @Override
  public List<DamagedBlocks> blocksIn(Set<ChunkId> chunks) throws IOException {
    checkOpen();
    List<DamagedBlocks> out = new ArrayList<>();
    if (chunks.isEmpty()) {
      return out;
    }
    for (VolumeRecord r : ctx.catalog.volumes()) {
      VolumeEngine e = open.get(r.id());
      VolumeRecord head = e != null ? e.record() : r;
      blocksIn(r.name(), head.root(), head.size(), head.blockSize(), chunks, out);
      for (SnapshotRecord s : ctx.catalog.snapshots(r.id())) {
        blocksIn(r.name() + "@" + s.name(), s.root(), s.size(), s.blockSize(), chunks, out);
      }
    }
    return out;
  }

  /** Adds the ranges of one state whose blocks are in {@code chunks}, if any. */
  private void blocksIn(
      String state,
      ChunkId root,
      long size,
      int blockSize,
      Set<ChunkId> chunks,
      List<DamagedBlocks> out) {
    List<Extent> ranges = new ArrayList<>();
    long blocks = TreeShape.blocks(size, blockSize);
    try {
      ctx.map.walk(
          root,
          TreeShape.depth(blocks),
          0,
          blocks,
          (first, count, id) -> {
            if (id == null || !chunks.contains(id)) {
              return;
            }
            long at = first * blockSize;
            long len = Math.min(blockSize, size - at);
            Extent last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last.end() == at) {
              ranges.set(ranges.size() - 1, new Extent(last.offset(), last.length() + len, true));
            } else {
              ranges.add(new Extent(at, len, true));
            }
          });
    } catch (IOException | RuntimeException unreadable) {
      out.add(new DamagedBlocks(state, ranges, true));
      return;
    }
    if (!ranges.isEmpty()) {
      out.add(new DamagedBlocks(state, ranges, false));
    }
  }

  /** The committed root of a volume, without flushing it. */
  private ChunkId committedHead(VolumeRecord r) {
    VolumeEngine e = open.get(r.id());
    return e != null ? e.record().root() : r.root();
  }

  // ---- store-wide

  @Override
  public void setLimits(SpaceLimits limits) {
    ctx.space.setLimits(Objects.requireNonNull(limits, "limits"));
  }

  @Override
  public void publishFlushes(FlushPublisher publisher) {
    ctx.flushPublisher = publisher;
  }

  @Override
  public SpaceLimits limits() {
    return ctx.space.limits();
  }

  @Override
  public SpaceUsage usage() throws IOException {
    checkOpen();
    try {
      return ctx.space.usage();
    } catch (IOException e) {
      throw StoreErrors.translate(e, "usage of the pool");
    }
  }

  @Override
  public void flushAll() throws IOException {
    checkOpen();
    for (VolumeEngine e : open.all()) {
      e.flushToTree();
    }
  }

  @Override
  public SpaceReport collectGarbage() throws IOException {
    checkOpen();
    writable();
    return new PoolCollection(ctx, open::get).run();
  }

  @Override
  public JournalReport checkJournals() throws IOException {
    checkOpen();
    List<DamagedJournal> damaged = new ArrayList<>();
    List<VolumeRecord> volumes = ctx.catalog.volumes();
    for (VolumeRecord r : volumes) {
      VolumeEngine e = open.get(r.id());
      long covered = (e != null ? e.record() : r).coveredSeq();
      try {
        for (JournalDamage d : Journal.check(open.journalDir(r.id()), r.id(), covered)) {
          damaged.add(
              new DamagedJournal(
                  r.name(), d.segment().getFileName().toString(), d.offset(), d.reason()));
        }
      } catch (IOException medium) {
        // Reported with the volume, and the check goes on, as a scrub does for a chunk.
        damaged.add(
            new DamagedJournal(
                r.name(),
                open.journalDir(r.id()).getFileName().toString(),
                0,
                "cannot be read: " + medium.getMessage()));
      }
    }
    return new JournalReport(volumes.size(), damaged);
  }

  @Override
  public void close() throws IOException {
    if (!names.close()) {
      return;
    }
    flushes.stopTicks();
    IOException failure = null;
    for (VolumeEngine e : open.all()) {
      try {
        e.close();
      } catch (IOException ex) {
        LOG.log(
            Level.ERROR,
            "volume {0} could not be flushed on close: {1}",
            e.record().name(),
            ex.getMessage());
        failure = failure == null ? ex : failure;
      }
    }
    flushes.awaitWorkers();
    ctx.close();
    if (failure != null) {
      throw failure;
    }
  }
}
