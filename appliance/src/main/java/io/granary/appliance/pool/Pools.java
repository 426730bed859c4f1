package io.granary.appliance.pool;

import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.dedupe.api.ProgressListener;
import io.granary.snapshots.api.DirtyMemory;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The open capacity pools by name, with the directory each lives in and when it was made. A
 * registry only: which changes are allowed, saving them and announcing them is
 * {@link Provisioning}'s job, the one writer. Thread-safe (every method holds this object's
 * lock); listing order is the order pools were added.
 */
public final class Pools implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Pools.class.getName());
  public static final String DEFAULT = "default";

  /** A pool as the registry knows it. */
  record Registered(Pool pool, String path, String created) {}

  private final VolumeStoreConfig tuning;
  private final DirtyMemory dirty;
  private final Set<String> declared;
  private final Map<String, Registered> open = new LinkedHashMap<>();

  /** What a pool's checkpoints carry (its settings, the profiles); set once by Provisioning. */
  private Function<Pool, byte[]> metadata = p -> new byte[0];

  /**
   * @param tuning how every pool's volume store runs (its journal directory is replaced); its
   *     dirty limit bounds every pool's dirty blocks together, not each pool's
   * @param declared the pools the configuration declares, which cannot be deleted
   */
  Pools(VolumeStoreConfig tuning, Set<String> declared) {
    this.tuning = tuning;
    this.dirty = VolumeStores.dirtyMemory(tuning.dirtyLimitBytes());
    this.declared = Set.copyOf(declared);
  }

  public synchronized List<Pool> list() {
    return open.values().stream().map(Registered::pool).toList();
  }

  public synchronized Pool get(String name) throws NoSuchPoolException {
    Registered r = open.get(name);
    if (r == null) {
      throw new NoSuchPoolException(name);
    }
    return r.pool();
  }

  public synchronized boolean contains(String name) {
    return open.containsKey(name);
  }

  /** When the pool was made, as an ISO-8601 instant. */
  public synchronized String created(String name) {
    Registered r = open.get(name);
    return r == null ? null : r.created();
  }

  /** Whether the configuration declares the pool (then only the configuration removes it). */
  boolean declared(String name) {
    return declared.contains(name);
  }

  /** Opens (creating when absent) the pool in {@code path}, its packs in {@code bucket} if any. */
  synchronized Pool open(
      String name, Path path, PoolSettings settings, PoolBucket bucket, String created)
      throws IOException {
    Pool p = Pool.open(name, path, settings, bucket, tuning, dirty);
    open.put(name, new Registered(p, path.toString(), created));
    p.publishCheckpoints(() -> metadata.apply(p));
    LOG.log(
        Level.INFO,
        "pool {0} open at {1}{2}",
        name,
        path,
        bucket == null ? "" : ", its packs in " + bucket.describe());
    return p;
  }

  /**
   * Brings back, into the empty directory {@code path}, the pool whose packs and checkpoints
   * are in {@code bucket}, and adds it; its settings are the caller's to apply from the
   * returned metadata, and its checkpoints the caller's to start ({@link #startCheckpoints})
   * once they are, so that none is published with the wrong settings.
   */
  synchronized Pool.Attached attach(
      String name,
      Path path,
      PoolBucket bucket,
      boolean takeOver,
      ProgressListener progress,
      String created)
      throws IOException {
    Pool.Attached a = Pool.attach(name, path, bucket, takeOver, progress, tuning, dirty);
    open.put(name, new Registered(a.pool(), path.toString(), created));
    LOG.log(Level.INFO, "pool {0} attached at {1} from {2}", name, path, bucket.describe());
    return a;
  }

  /** Starts publishing an attached pool's checkpoints. */
  synchronized void startCheckpoints(Pool p) {
    p.publishCheckpoints(() -> metadata.apply(p));
  }

  /** What every pool's checkpoints carry from now on. */
  synchronized void checkpointsCarry(Function<Pool, byte[]> metadata) {
    this.metadata = metadata;
  }

  /** Forgets the pool without closing it; null when there is none of that name. */
  synchronized Registered remove(String name) {
    return open.remove(name);
  }

  /** What the registry holds now, for {@link #restore} and for the state file. */
  synchronized Map<String, Registered> snapshot() {
    return new LinkedHashMap<>(open);
  }

  /** Back to a {@link #snapshot}, order included (a change that could not be saved). */
  synchronized void restore(Map<String, Registered> before) {
    open.clear();
    open.putAll(before);
  }

  /** Closes every pool (each flushes its volumes); reports the first failure after trying all. */
  @Override
  public synchronized void close() throws IOException {
    IOException failure = null;
    for (Registered r : open.values()) {
      try {
        r.pool().close();
      } catch (IOException e) {
        LOG.log(
            Level.ERROR, "pool {0} did not close cleanly: {1}", r.pool().name(), e.getMessage());
        failure = failure == null ? e : failure;
      }
    }
    open.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
