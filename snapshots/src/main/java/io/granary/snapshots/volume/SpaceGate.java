package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkStore;
import io.granary.snapshots.api.OverProvisionedException;
import io.granary.snapshots.api.SpaceLimits;
import io.granary.snapshots.api.SpaceUsage;
import io.granary.snapshots.api.VolumeFullException;
import io.granary.snapshots.overlay.DirtyBudget;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Admission against the pool's {@link SpaceLimits}, for every front end at once.
 *
 * <p><b>Capacity.</b> A write (or the partial blocks of a zeroing) reserves dirty-budget bytes
 * for the blocks it may make dirty, and {@link #admit} refuses it, before anything is
 * journaled, when {@code stored + dirty + reserved > capacity}. Counting every dirty byte as
 * future stored data is deliberately conservative: whatever was acknowledged can always be
 * flushed, and a flush is never refused by the limit (its map pages may take stored a little
 * past the capacity; the next writes are refused until space comes back). {@link #admit} runs
 * under the budget's monitor as the bytes are taken, so concurrent writers cannot all slip
 * into the last free bytes.
 *
 * <p>{@code stored} is a cached copy of {@link ChunkStore#storedBytes()}, which takes the chunk
 * store's commit lock (held across index commits): too slow per write. It is refreshed
 * <ul>
 *   <li>after every flush commit, before the flush hands back its dirty bytes, so flushed
 *       data is never counted as neither dirty nor stored (at worst briefly as both);
 *   <li>after every garbage collection, so freed space serves writes at once;
 *   <li>by the store's ticker when older than {@link #MAX_AGE_NANOS} (puts of resizes);
 *   <li>by {@link #usage()} and {@link #setLimits}.
 * </ul>
 * Only while a capacity is set: an unlimited pool never reads the store here. Refreshes are
 * serialized, so an older reading never overwrites a newer one.
 *
 * <p>TODO(capacity): a write refused while much is buffered might fit once the buffered blocks
 * are flushed (deduplicated, compressed); waiting for the pool's flushes and checking again
 * before refusing would trade latency for fewer refusals near a full pool. Not done: the rule
 * stays the simple, conservative one, and the refusal is bounded by the dirty limit.
 *
 * <p><b>Provisioning.</b> The sum of all volume sizes is kept in memory (read from the catalog
 * once, at open, then changed by create, clone, resize, rollback and delete). A change that
 * grows it past the limit is refused before anything changes; shrinking always passes, even
 * over a limit lowered below the sum.
 */
final class SpaceGate {
  private static final System.Logger LOG = System.getLogger(SpaceGate.class.getName());
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ChunkStore store;
  private final DirtyBudget.Share budget;
  private final Object refreshLock = new Object();
  private volatile SpaceLimits limits = SpaceLimits.UNLIMITED;
  private volatile long stored;
  private volatile long storedAtNanos;

  /** Sum of every volume's size; guarded by {@code this}. */
  private long provisioned;

  SpaceGate(ChunkStore store, DirtyBudget.Share budget) {
    this.store = store;
    this.budget = budget;
    this.storedAtNanos = System.nanoTime() - MAX_AGE_NANOS - 1; // never read: stale
  }

  SpaceLimits limits() {
    return limits;
  }

  void setLimits(SpaceLimits newLimits) {
    limits = newLimits;
    refreshIfLimited();
  }

  // ---- capacity

  /**
   * Refuses {@code bytes} more dirty data when {@code dirty} bytes are buffered already, if
   * that could take the pool past its capacity. Called under the budget's monitor: no I/O.
   */
  void admit(long dirty, long bytes) throws VolumeFullException {
    SpaceLimits l = limits;
    if (bytes == 0 || !l.hasCapacity()) {
      return;
    }
    long s = stored;
    if (bytes > l.capacityBytes() - s - dirty) {
      throw new VolumeFullException(
          "pool is full: "
              + human(s)
              + " stored + "
              + human(dirty)
              + " buffered of a "
              + human(l.capacityBytes())
              + " capacity");
    }
  }

  /** Re-reads the stored bytes if a capacity is set (after a flush commit, after GC). */
  void refreshIfLimited() {
    if (limits.hasCapacity()) {
      refresh();
    }
  }

  /** Re-reads the stored bytes if a capacity is set and the copy is old (the ticker). */
  void refreshIfStale() {
    if (limits.hasCapacity() && System.nanoTime() - storedAtNanos > MAX_AGE_NANOS) {
      refresh();
    }
  }

  private void refresh() {
    try {
      readStored();
    } catch (IOException e) {
      // Keep the last copy; the ticker tries again within a second.
      LOG.log(Level.WARNING, "cannot read the pool''s stored bytes: {0}", e.getMessage());
    }
  }

  private long readStored() throws IOException {
    synchronized (refreshLock) {
      long s = store.storedBytes();
      stored = s;
      storedAtNanos = System.nanoTime();
      return s;
    }
  }

  SpaceUsage usage() throws IOException {
    return new SpaceUsage(readStored(), budget.used(), provisioned());
  }

  // ---- provisioning

  synchronized void initProvisioned(long total) {
    provisioned = total;
  }

  synchronized long provisioned() {
    return provisioned;
  }

  /**
   * Accounts a volume going from {@code oldSize} to {@code newSize} bytes (0 for one that does
   * not exist), refusing growth past the provisioning limit.
   */
  synchronized void provision(long oldSize, long newSize) throws OverProvisionedException {
    long delta = newSize - oldSize;
    long limit = limits.provisionLimitBytes();
    if (delta > 0 && delta > limit - provisioned) {
      throw new OverProvisionedException(
          "volumes would total "
              + human(provisioned + delta)
              + ", beyond the pool's provisioning limit of "
              + human(limit));
    }
    provisioned += delta;
  }

  /** Accounts a change without checking it: undoing a provision that did not happen, a delete. */
  synchronized void adjust(long oldSize, long newSize) {
    provisioned += newSize - oldSize;
  }

  /** {@code 512 B}, {@code 12 MiB}, {@code 1.0 GiB}: one decimal below ten. */
  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    double v = bytes;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    if (u == 0) {
      return bytes + " B";
    }
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }
}
