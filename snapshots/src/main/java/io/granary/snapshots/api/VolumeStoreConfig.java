package io.granary.snapshots.api;

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

  public static VolumeStoreConfig defaults(Path journalDirectory) {
    return new VolumeStoreConfig(
        journalDirectory,
        512L << 20,
        64L << 20,
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
