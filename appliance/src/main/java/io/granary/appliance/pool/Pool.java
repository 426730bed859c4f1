package io.granary.appliance.pool;

import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.ProgressListener;
import io.granary.snapshots.api.DirtyMemory;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.SpaceUsage;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open capacity pool: a directory holding one chunk store (the dedupe domain) and the
 * volumes kept in it ({@code PATH/store}, {@code PATH/journal}), with its settings. The
 * volume store enforces the capacity and the overcommit limit, so every front end obeys them.
 */
public final class Pool implements Closeable {
  private final String name;
  private final Path path;
  private final PoolBucket bucket;
  private final ChunkStore chunks;
  private final VolumeStore volumes;
  private volatile PoolSettings settings;

  /** Publishes checkpoints to the bucket; null for a pool on local disks. */
  private PoolCheckpoints checkpoints;

  private Pool(
      String name,
      Path path,
      PoolSettings settings,
      PoolBucket bucket,
      ChunkStore chunks,
      VolumeStore volumes) {
    this.name = name;
    this.path = path;
    this.settings = settings;
    this.bucket = bucket;
    this.chunks = chunks;
    this.volumes = volumes;
  }

  /**
   * Opens (creating when absent) the pool in {@code path}, its packs there or, with a {@code
   * bucket}, on that object store (spooled and cached in {@code path}); replays nothing until
   * volumes open. A new pool's bucket prefix must hold no pool yet (one there is attached).
   */
  static Pool open(
      String name,
      Path path,
      PoolSettings settings,
      PoolBucket bucket,
      VolumeStoreConfig tuning,
      DirtyMemory dirty)
      throws IOException {
    Path store = path.resolve("store");
    boolean creating = !Files.exists(store);
    Files.createDirectories(path);
    ChunkStore chunks =
        ChunkStores.open(
            ChunkStoreConfig.defaults(store),
            creating && bucket != null && !bucket.readOnly()
                ? ChunkStores.newObjectStore(bucket.toConfig())
                : media(bucket));
    return around(name, path, settings, bucket, chunks, tuning, dirty);
  }

  /**
   * Brings back, into the empty directory {@code path}, the pool whose packs and checkpoints
   * are in {@code bucket}: its volumes and snapshots as of the newest checkpoint. Refused while
   * another appliance holds the pool's lease; with {@code takeOver}, taken from one that let it
   * lapse. Tells {@code progress} how many of the bucket's packs are indexed. Returns the pool
   * and the metadata that checkpoint carries (its settings and profiles), which the caller
   * applies.
   */
  static Attached attach(
      String name,
      Path path,
      PoolBucket bucket,
      boolean takeOver,
      ProgressListener progress,
      VolumeStoreConfig tuning,
      DirtyMemory dirty)
      throws IOException {
    ChunkStores.Attached a =
        ChunkStores.attach(
            ChunkStoreConfig.defaults(path.resolve("store")),
            takeOver ? ChunkStores.objectStoreTakingOver(bucket.toConfig()) : media(bucket),
            progress);
    Files.createDirectories(path.resolve("journal"));
    return new Attached(
        around(name, path, PoolSettings.defaults(), bucket, a.store(), tuning, dirty), a.extras());
  }

  /** A pool brought back from its bucket, and the metadata of the checkpoint it came from. */
  record Attached(Pool pool, byte[] metadata) {}

  private static PackMedium.Factory media(PoolBucket bucket) {
    if (bucket == null) {
      return ChunkStores.LOCAL;
    }
    return bucket.readOnly()
        ? ChunkStores.objectStoreReadOnly(bucket.toConfig())
        : ChunkStores.objectStore(bucket.toConfig());
  }

  private static Pool around(
      String name,
      Path path,
      PoolSettings settings,
      PoolBucket bucket,
      ChunkStore chunks,
      VolumeStoreConfig tuning,
      DirtyMemory dirty)
      throws IOException {
    try {
      VolumeStoreConfig config =
          new VolumeStoreConfig(
              path.resolve("journal"),
              tuning.dirtyLimitBytes(),
              tuning.volumeFlushBytes(),
              tuning.flushInterval(),
              tuning.blockCacheBytes(),
              tuning.pageCacheBytes(),
              tuning.flushThreads(),
              tuning.clock());
      VolumeStore volumes =
          bucket != null && bucket.readOnly()
              ? VolumeStores.openReadOnly(chunks, config, dirty)
              : VolumeStores.open(chunks, config, dirty);
      Pool p = new Pool(name, path, settings, bucket, chunks, volumes);
      p.applyLimits();
      return p;
    } catch (IOException | RuntimeException e) {
      chunks.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Path path() {
    return path;
  }

  public PoolSettings settings() {
    return settings;
  }

  /** The object store holding its packs, or null when they are in {@link #path}. */
  public PoolBucket bucket() {
    return bucket;
  }

  /** Whether the pool is attached read-only: nothing in it changes, every export is read-only. */
  public boolean readOnly() {
    return volumes.readOnly();
  }

  /** The default profile of new volumes. */
  public String profile() {
    return settings.profile();
  }

  public ChunkStore chunks() {
    return chunks;
  }

  public VolumeStore volumes() {
    return volumes;
  }

  /** Replaces the settings; a new capacity or overcommit applies to the next write at once. */
  void settings(PoolSettings s) throws IOException {
    settings = s;
    applyLimits();
  }

  /** The capacity in bytes: the configured one, or the size of the pool's file system. */
  public long capacity() throws IOException {
    long c = settings.capacity();
    return c > 0 ? c : Files.getFileStore(path).getTotalSpace();
  }

  private void applyLimits() throws IOException {
    long capacity = capacity();
    double limit = capacity * settings.overcommit();
    volumes.setLimits(
        new SpaceLimits(capacity, limit >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) limit));
  }

  /** Capacity, use and alert level, cheap enough for every statfs and alert check. */
  public PoolFill fill() throws IOException {
    return fill(volumes.usage(), volumes.limits().capacityBytes());
  }

  private PoolFill fill(SpaceUsage u, long capacity) {
    PoolSettings p = settings;
    return new PoolFill(
        capacity,
        u.storedBytes(),
        u.dirtyBytes(),
        AlertLevel.of(
            u.storedBytes() + u.dirtyBytes(), capacity, p.warnPercent(), p.criticalPercent()));
  }

  /** Everything {@code pool show} and the metrics report; reads the chunk store's files. */
  public PoolUsage usage() throws IOException {
    ChunkStoreStats s = chunks.stats();
    SpaceUsage u = volumes.usage();
    SpaceLimits limits = volumes.limits();
    PoolFill f = fill(u, limits.capacityBytes());
    return new PoolUsage(
        f.capacity(),
        f.used(),
        f.buffered(),
        s.ingestedBytes(),
        s.uniqueBytes(),
        s.diskBytes(),
        s.chunks(),
        u.provisionedBytes(),
        limits.provisionLimitBytes(),
        f.alert());
  }

  /**
   * Publishes the pool's checkpoints to its bucket from now on, each with {@code metadata}'s
   * bytes, and, when its durability is remote, one for every FLUSH (group-committed); nothing
   * for a pool on local disks.
   */
  synchronized void publishCheckpoints(java.util.function.Supplier<byte[]> metadata) {
    if (bucket != null && !bucket.readOnly() && checkpoints == null) {
      checkpoints = new PoolCheckpoints(name, chunks, metadata);
      if (bucket.remoteDurability()) {
        volumes.publishFlushes(checkpoints::covering);
      }
    }
  }

  /**
   * Flushes every volume and publishes a checkpoint now, if the pool is on a bucket; false if it
   * is not.
   */
  public boolean checkpoint() throws IOException {
    PoolCheckpoints c;
    synchronized (this) {
      c = checkpoints;
    }
    if (c == null) {
      return false;
    }
    volumes.flushAll();
    c.now();
    return true;
  }

  /**
   * Flushes every volume, publishes the last checkpoint (a pool on a bucket), then closes the
   * volumes and the chunk store.
   */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      volumes.close();
      synchronized (this) {
        if (checkpoints != null) {
          checkpoints.close();
          checkpoints.now();
        }
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      try {
        chunks.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
