package io.granary.snapshots.volume;

import io.granary.snapshots.catalog.VolumeRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open volumes of a pool, by volume id, and the count of open snapshot views. An engine
 * opens at its volume's first use (the replay of its journal) and stays open until the volume
 * is deleted or the pool closes.
 *
 * <p>Locks: none of its own. Lookups are lock-free; {@link #openLocked} and {@link #remove}
 * are called under the pool's namespace lock, so a volume is opened at most once and never
 * while it is being deleted or renamed.
 *
 * <p>Not done here: names (the catalog and {@link VolumeNamespace}), flush scheduling.
 */
final class OpenVolumes {
  private final VolumeContext ctx;
  private final Map<Long, VolumeEngine> engines = new ConcurrentHashMap<>();

  /** Open snapshot views, by {@code volumeId@snapshot}. */
  private final Map<String, AtomicInteger> views = new ConcurrentHashMap<>();

  OpenVolumes(VolumeContext ctx) {
    this.ctx = ctx;
  }

  /** The open engine of a volume id, or null. */
  VolumeEngine get(long volumeId) {
    return engines.get(volumeId);
  }

  Collection<VolumeEngine> all() {
    return engines.values();
  }

  /** The engine of {@code r}, opened now if it is not; the caller holds the namespace lock. */
  VolumeEngine openLocked(VolumeRecord r) throws IOException {
    VolumeEngine e = engines.get(r.id());
    if (e == null) {
      e = VolumeEngine.open(ctx, r, journalDir(r.id()));
      engines.put(r.id(), e);
    }
    return e;
  }

  /** Forgets an engine (its volume is being deleted); the caller holds the namespace lock. */
  VolumeEngine remove(long volumeId) {
    return engines.remove(volumeId);
  }

  /** The journal directory of a volume id, open or not. */
  Path journalDir(long volumeId) {
    return ctx.config.journalDirectory().resolve(String.format("%016x", volumeId));
  }

  /** Counts a view of a snapshot as open; returns what closing the view calls. */
  Runnable openView(long volumeId, String snapshot) {
    AtomicInteger count =
        views.computeIfAbsent(volumeId + "@" + snapshot, k -> new AtomicInteger());
    count.incrementAndGet();
    return count::decrementAndGet;
  }

  /** Open views of one snapshot. */
  int views(long volumeId, String snapshot) {
    AtomicInteger open = views.get(volumeId + "@" + snapshot);
    return open == null ? 0 : open.get();
  }

  /** Handles on the volume and views of its snapshots. */
  int handles(VolumeRecord r) {
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
}
