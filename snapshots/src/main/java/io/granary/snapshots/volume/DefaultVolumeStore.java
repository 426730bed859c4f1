package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.Directories;
import io.granary.snapshots.api.DamagedJournal;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.JournalReport;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.SpaceReport;
import io.granary.snapshots.api.SpaceUsage;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeBusyException;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeExistsException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStats;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.journal.Journal;
import io.granary.snapshots.journal.JournalDamage;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The volumes of one pool. Engines open lazily, keyed by volume id, and stay open until the
 * store closes; a ticker asks them to flush when they are old, large or the memory budget is
 * tight. Name changes (create, rename, delete, snapshot, clone) are serialized.
 */
public final class DefaultVolumeStore implements VolumeStore {
  private static final System.Logger LOG = System.getLogger(DefaultVolumeStore.class.getName());

  private final VolumeContext ctx;
  private final ExecutorService flushWorkers;
  private final ScheduledExecutorService ticker;
  private final Map<Long, VolumeEngine> engines = new ConcurrentHashMap<>();

  /** Open snapshot views, by {@code volumeId@snapshot}. */
  private final Map<String, AtomicInteger> views = new ConcurrentHashMap<>();

  private final ReentrantLock namespace = new ReentrantLock();
  private volatile boolean closed;

  private DefaultVolumeStore(VolumeStoreConfig config, ChunkStore store) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor workers =
        (ThreadPoolExecutor)
            Executors.newFixedThreadPool(
                config.flushThreads(),
                r -> {
                  Thread t = new Thread(r, "granary-flush-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    // Started with the pool, not at its first flush: the threads a pool costs are known when
    // it opens (and stay until it closes).
    workers.prestartAllCoreThreads();
    this.flushWorkers = workers;
    this.ctx = new VolumeContext(config, store, flushWorkers);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "granary-flush-ticker");
              t.setDaemon(true);
              return t;
            });
  }

  public static DefaultVolumeStore open(ChunkStore store, VolumeStoreConfig config)
      throws IOException {
    Files.createDirectories(config.journalDirectory());
    DefaultVolumeStore s = new DefaultVolumeStore(config, store);
    long provisioned = 0;
    for (VolumeRecord r : s.ctx.catalog.volumes()) {
      provisioned += r.size();
    }
    s.ctx.space.initProvisioned(provisioned);
    s.ticker.scheduleWithFixedDelay(s::tick, 500, 500, TimeUnit.MILLISECONDS);
    return s;
  }

  /** Asks volumes to flush that are old, large, or that the dirty budget needs. */
  private void tick() {
    ctx.space.refreshIfStale();
    long interval = ctx.config.flushInterval().toNanos();
    boolean tight = ctx.budget.used() > ctx.budget.limit() / 2;
    for (VolumeEngine e : engines.values()) {
      if (e.hasDirtyData()
          && (tight
              || e.nanosSinceFlush() > interval
              || e.dirtyBytes() >= ctx.config.volumeFlushBytes()
              || e.journalBytes() > 2 * ctx.config.volumeFlushBytes())) {
        e.requestFlush();
      }
    }
  }

  private void checkOpen() throws VolumeException {
    if (closed) {
      throw new VolumeException(VolumeException.Kind.CLOSED, "the volume store is closed");
    }
  }

  // ---- volumes

  @Override
  public VolumeInfo create(String name, VolumeSpec spec) throws IOException {
    Names.check("volume", name);
    checkCodec(spec.codec());
    namespace.lock();
    try {
      checkOpen();
      if (ctx.catalog.volume(name) != null) {
        throw new VolumeExistsException("volume " + name + " already exists");
      }
      long now = ctx.config.clock().millis();
      ctx.space.provision(0, spec.size());
      VolumeRecord r;
      try {
        r =
            new VolumeRecord(
                name,
                ctx.catalog.allocateVolumeId(),
                spec.size(),
                spec.blockSize(),
                null,
                0,
                0,
                now,
                now,
                spec.codec(),
                spec.profile(),
                "",
                spec.dedupe());
        ctx.catalog.change().put(r).commit();
      } catch (IOException | RuntimeException e) {
        ctx.space.adjust(spec.size(), 0);
        throw e;
      }
      return info(r, 0);
    } finally {
      namespace.unlock();
    }
  }

  private static void checkCodec(String codec) throws VolumeException {
    try {
      CodecSpec.parse(codec);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new VolumeException(
          VolumeException.Kind.INVALID,
          codec == null ? "a codec is needed (none, lz4 or zstd:LEVEL)" : e.getMessage());
    }
  }

  @Override
  public void setServices(String volume, String codec, boolean dedupe, String profile)
      throws IOException {
    checkCodec(codec);
    Names.check("profile", profile);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      VolumeEngine e = engines.get(r.id());
      if (e != null) {
        e.setServices(codec, dedupe, profile);
      } else {
        ctx.catalog.change().put(r.withServices(codec, dedupe, profile)).commit();
      }
    } finally {
      namespace.unlock();
    }
  }

  @Override
  public Volume open(String name) throws IOException {
    return new VolumeHandle(engine(requireVolume(name)));
  }

  private VolumeEngine engine(VolumeRecord r) throws IOException {
    VolumeEngine e = engines.get(r.id());
    if (e != null) {
      return e;
    }
    namespace.lock();
    try {
      checkOpen();
      e = engines.get(r.id());
      if (e == null) {
        VolumeRecord current = requireVolume(r.name());
        e = VolumeEngine.open(ctx, current, journalDir(current.id()));
        engines.put(current.id(), e);
      }
      return e;
    } finally {
      namespace.unlock();
    }
  }

  private Path journalDir(long volumeId) {
    return ctx.config.journalDirectory().resolve(String.format("%016x", volumeId));
  }

  private VolumeRecord requireVolume(String name) throws IOException {
    Names.check("volume", name);
    VolumeRecord r = ctx.catalog.volume(name);
    if (r == null) {
      throw new NoSuchVolumeException("volume " + name + " does not exist");
    }
    return r;
  }

  private SnapshotRecord requireSnapshot(VolumeRecord v, String snapshot) throws IOException {
    Names.checkSnapshot(snapshot);
    SnapshotRecord s = ctx.catalog.snapshot(v.id(), snapshot);
    if (s == null) {
      throw new NoSuchVolumeException("snapshot " + v.name() + "@" + snapshot + " does not exist");
    }
    return s;
  }

  @Override
  public Volume openSnapshot(String volume, String snapshot) throws IOException {
    checkOpen();
    VolumeRecord v = requireVolume(volume);
    SnapshotRecord s = requireSnapshot(v, snapshot);
    String key = v.id() + "@" + snapshot;
    AtomicInteger count = views.computeIfAbsent(key, k -> new AtomicInteger());
    count.incrementAndGet();
    return new SnapshotView(ctx, volume + "@" + snapshot, s, count::decrementAndGet);
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
    VolumeEngine e = engines.get(r.id());
    long size = e != null ? e.size() : r.size();
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
        r.dedupe());
  }

  @Override
  public void rename(String name, String newName) throws IOException {
    Names.check("volume", newName);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(name);
      if (ctx.catalog.volume(newName) != null) {
        throw new VolumeExistsException("volume " + newName + " already exists");
      }
      VolumeEngine e = engines.get(r.id());
      if (e != null) {
        e.rename(newName);
      } else {
        ctx.catalog.change().deleteVolume(name).put(r.withName(newName)).commit();
      }
    } finally {
      namespace.unlock();
    }
  }

  @Override
  public void delete(String name, boolean withSnapshots) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(name);
      if (openHandles(r) > 0) {
        throw new VolumeBusyException("volume " + name + " is in use");
      }
      List<SnapshotRecord> snaps = ctx.catalog.snapshots(r.id());
      if (!snaps.isEmpty() && !withSnapshots) {
        throw new VolumeBusyException(
            "volume " + name + " has " + snaps.size() + " snapshots; delete them too to delete it");
      }
      VolumeEngine e = engines.remove(r.id());
      long size = r.size();
      if (e != null) {
        size = e.size();
        e.discard();
      }
      var change = ctx.catalog.change().deleteVolume(name);
      for (SnapshotRecord s : snaps) {
        change.deleteSnapshot(r.id(), s.name());
      }
      change.commit();
      ctx.space.adjust(size, 0);
      Directories.deleteTree(journalDir(r.id()));
      LOG.log(Level.INFO, "deleted volume {0} and {1} snapshots", name, snaps.size());
    } finally {
      namespace.unlock();
    }
  }

  @Override
  public int openHandles(String name) throws IOException {
    return openHandles(requireVolume(name));
  }

  private int openHandles(VolumeRecord r) {
    VolumeEngine e = engines.get(r.id());
    int n = e == null ? 0 : e.handles();
    String prefix = r.id() + "@";
    for (Map.Entry<String, AtomicInteger> v : views.entrySet()) {
      if (v.getKey().startsWith(prefix)) {
        n += v.getValue().get();
      }
    }
    return n;
  }

  // ---- snapshots and clones

  @Override
  public SnapshotInfo snapshot(String volume, String snapshot) throws IOException {
    Names.checkSnapshot(snapshot);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      if (ctx.catalog.snapshot(r.id(), snapshot) != null) {
        throw new VolumeExistsException("snapshot " + volume + "@" + snapshot + " already exists");
      }
      VolumeRecord committed = engineLocked(r).flushAndGetRecord();
      SnapshotRecord s =
          new SnapshotRecord(
              r.id(),
              snapshot,
              committed.root(),
              committed.size(),
              r.blockSize(),
              ctx.config.clock().millis());
      ctx.catalog.change().put(s).commit();
      return snapshotInfo(volume, s);
    } finally {
      namespace.unlock();
    }
  }

  /** {@link #engine} for a caller that holds the namespace lock already. */
  private VolumeEngine engineLocked(VolumeRecord r) throws IOException {
    VolumeEngine e = engines.get(r.id());
    if (e == null) {
      e = VolumeEngine.open(ctx, r, journalDir(r.id()));
      engines.put(r.id(), e);
    }
    return e;
  }

  private static SnapshotInfo snapshotInfo(String volume, SnapshotRecord s) {
    return new SnapshotInfo(volume, s.name(), s.size(), Instant.ofEpochMilli(s.createdMillis()));
  }

  @Override
  public List<SnapshotInfo> snapshots(String volume) throws IOException {
    VolumeRecord r = requireVolume(volume);
    List<SnapshotInfo> out = new ArrayList<>();
    for (SnapshotRecord s : ctx.catalog.snapshots(r.id())) {
      out.add(snapshotInfo(volume, s));
    }
    out.sort(Comparator.comparing(SnapshotInfo::created).thenComparing(SnapshotInfo::name));
    return out;
  }

  @Override
  public void deleteSnapshot(String volume, String snapshot) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      requireSnapshot(r, snapshot);
      AtomicInteger open = views.get(r.id() + "@" + snapshot);
      if (open != null && open.get() > 0) {
        throw new VolumeBusyException("snapshot " + volume + "@" + snapshot + " is in use");
      }
      ctx.catalog.change().deleteSnapshot(r.id(), snapshot).commit();
    } finally {
      namespace.unlock();
    }
  }

  @Override
  public void rollback(String volume, String snapshot) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      SnapshotRecord s = requireSnapshot(r, snapshot);
      engineLocked(r).rollback(s.root(), s.size());
    } finally {
      namespace.unlock();
    }
  }

  @Override
  public VolumeInfo clone(String volume, String snapshot, String newName) throws IOException {
    Names.check("volume", newName);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      SnapshotRecord s = requireSnapshot(r, snapshot);
      if (ctx.catalog.volume(newName) != null) {
        throw new VolumeExistsException("volume " + newName + " already exists");
      }
      long now = ctx.config.clock().millis();
      ctx.space.provision(0, s.size());
      VolumeRecord c;
      try {
        c =
            new VolumeRecord(
                newName,
                ctx.catalog.allocateVolumeId(),
                s.size(),
                s.blockSize(),
                s.root(),
                0,
                0,
                now,
                now,
                r.codec(),
                r.profile(),
                volume + "@" + snapshot,
                r.dedupe());
        ctx.catalog.change().put(c).commit();
      } catch (IOException | RuntimeException e) {
        ctx.space.adjust(s.size(), 0);
        throw e;
      }
      return info(c, 0);
    } finally {
      namespace.unlock();
    }
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
      VolumeRecord committed = engine(r).flushAndGetRecord();
      return new Tree(committed.root(), committed.size(), committed.blockSize());
    }
    SnapshotRecord s = requireSnapshot(r, ref.snapshot());
    return new Tree(s.root(), s.size(), s.blockSize());
  }

  @Override
  public List<Extent> diff(StateRef from, StateRef to) throws IOException {
    checkOpen();
    Tree a = tree(from);
    Tree b = tree(to);
    if (a.blockSize != b.blockSize) {
      throw new VolumeException(
          VolumeException.Kind.INVALID,
          "cannot diff " + from + " and " + to + ": their block sizes differ");
    }
    long end = Math.max(a.size, b.size);
    List<Extent> out = new ArrayList<>();
    ctx.map.diff(
        a.root,
        a.depth(),
        b.root,
        b.depth(),
        (first, count) -> {
          long s = first * a.blockSize;
          long e = Math.min(end, (first + count) * a.blockSize);
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
    VolumeEngine e = engines.get(r.id());
    Tree head = e != null ? tree(StateRef.head(name)) : new Tree(r.root(), r.size(), r.blockSize());
    return new StatsWalk(ctx, this::committedHead)
        .stats(r, head.root(), head.size(), e != null ? e.bytesWritten() : r.bytesWritten());
  }

  /** The committed root of a volume, without flushing it. */
  private ChunkId committedHead(VolumeRecord r) {
    VolumeEngine e = engines.get(r.id());
    return e != null ? e.record().root() : r.root();
  }

  // ---- store-wide

  @Override
  public void setLimits(SpaceLimits limits) {
    ctx.space.setLimits(Objects.requireNonNull(limits, "limits"));
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
    for (VolumeEngine e : engines.values()) {
      e.flushToTree();
    }
  }

  @Override
  public SpaceReport collectGarbage() throws IOException {
    checkOpen();
    return new PoolCollection(ctx, engines::get).run();
  }

  @Override
  public JournalReport checkJournals() throws IOException {
    checkOpen();
    List<DamagedJournal> damaged = new ArrayList<>();
    List<VolumeRecord> volumes = ctx.catalog.volumes();
    for (VolumeRecord r : volumes) {
      VolumeEngine e = engines.get(r.id());
      long covered = (e != null ? e.record() : r).coveredSeq();
      try {
        for (JournalDamage d : Journal.check(journalDir(r.id()), r.id(), covered)) {
          damaged.add(
              new DamagedJournal(
                  r.name(), d.segment().getFileName().toString(), d.offset(), d.reason()));
        }
      } catch (IOException medium) {
        // Reported with the volume, and the check goes on, as a scrub does for a chunk.
        damaged.add(
            new DamagedJournal(
                r.name(),
                journalDir(r.id()).getFileName().toString(),
                0,
                "cannot be read: " + medium.getMessage()));
      }
    }
    return new JournalReport(volumes.size(), damaged);
  }

  @Override
  public void close() throws IOException {
    namespace.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      namespace.unlock();
    }
    ticker.shutdownNow();
    IOException failure = null;
    for (VolumeEngine e : engines.values()) {
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
    flushWorkers.shutdown();
    try {
      flushWorkers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    ctx.close();
    if (failure != null) {
      throw failure;
    }
  }
}
