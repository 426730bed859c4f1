package io.granary.snapshots.api;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a pool's volumes are kept in memory and flushed.
 *
 * @param journalDirectory where the volumes' write-ahead journals live
 * @param dirtyLimitBytes all volumes' unflushed blocks together; writers wait beyond it
 * @param volumeFlushBytes a volume is flushed once this much of it is dirty
 * @param flushInterval a volume with dirty blocks is flushed at least this often
 * @param blockCacheBytes decoded blocks kept for reads
 * @param pageCacheBytes decoded map pages kept for lookups
 * @param flushThreads volumes flushed in parallel
 * @param clock times of creation, modification and snapshots
 */
public record VolumeStoreConfig(
    Path journalDirectory,
    long dirtyLimitBytes,
    long volumeFlushBytes,
    Duration flushInterval,
    long blockCacheBytes,
    long pageCacheBytes,
    int flushThreads,
    Clock clock) {

  /**
   * The dirty bound when none is configured: a tenth of the machine's memory, at most 4 GiB
   * (OpenZFS's {@code zfs_dirty_data_max}), at least 256 MiB. The blocks live off the heap.
   */
  public static long defaultDirtyLimit() {
    long ram =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return Math.max(256L << 20, Math.min(ram / 10, 4L << 30));
  }

  /**
   * How much of a volume is dirty before a flush starts, for a dirty bound: a fifth (OpenZFS
   * starts a transaction group's sync at 20 % of its bound), at least 64 MiB.
   */
  public static long volumeFlushFor(long dirtyLimit) {
    return Math.max(64L << 20, dirtyLimit / 5);
  }

  public static VolumeStoreConfig defaults(Path journalDirectory) {
    long dirty = defaultDirtyLimit();
    return new VolumeStoreConfig(
        journalDirectory,
        dirty,
        volumeFlushFor(dirty),
        Duration.ofSeconds(5),
        128L << 20,
        64L << 20,
        2,
        Clock.systemUTC());
  }

  public VolumeStoreConfig withDirtyLimit(long bytes, long perVolume) {
    return new VolumeStoreConfig(
        journalDirectory,
        bytes,
        perVolume,
        flushInterval,
        blockCacheBytes,
        pageCacheBytes,
        flushThreads,
        clock);
  }

  public VolumeStoreConfig withFlushInterval(Duration interval) {
    return new VolumeStoreConfig(
        journalDirectory,
        dirtyLimitBytes,
        volumeFlushBytes,
        interval,
        blockCacheBytes,
        pageCacheBytes,
        flushThreads,
        clock);
  }

  public VolumeStoreConfig withCaches(long blockBytes, long pageBytes) {
    return new VolumeStoreConfig(
        journalDirectory,
        dirtyLimitBytes,
        volumeFlushBytes,
        flushInterval,
        blockBytes,
        pageBytes,
        flushThreads,
        clock);
  }

  public VolumeStoreConfig withClock(Clock c) {
    return new VolumeStoreConfig(
        journalDirectory,
        dirtyLimitBytes,
        volumeFlushBytes,
        flushInterval,
        blockCacheBytes,
        pageCacheBytes,
        flushThreads,
        c);
  }
}
