package io.granary.appliance.api;

import io.granary.appliance.pool.Pool;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeStats;
import java.io.IOException;
import java.util.Map;

/** The JSON shapes of {@code docs/api.md}, built from the domain objects. */
public final class Views {
  private Views() {}

  /** A pool with its space figures. */
  public record PoolView(String name, String path, String profile, int volumes, long chunks,
      long logicalBytes, long uniqueBytes, long storedBytes, long diskBytes, double dedupeRatio,
      double compressionRatio) {}

  public record VolumeView(String pool, String name, long size, int blockSize, String codec,
      String profile, String origin, int snapshots, String created, String modified,
      int openHandles) {}

  public record SnapshotView(String pool, String volume, String name, long size,
      String created) {}

  public record StatsView(String pool, String name, long size, long bytesWritten,
      long allocatedBytes, long uniqueBytes, long sharedBytes) {}

  public record ProfileView(String name, Map<String, Object> settings) {}

  static PoolView pool(Pool p) throws IOException {
    ChunkStoreStats s = p.chunks().stats();
    return new PoolView(p.name(), p.path().toString(), p.profile(), p.volumes().list().size(),
        s.chunks(), s.ingestedBytes(), s.uniqueBytes(), s.storedBytes(), s.diskBytes(),
        round(s.dedupeRatio()), round(s.compressionRatio()));
  }

  static VolumeView volume(Pool p, VolumeInfo v) throws IOException {
    return new VolumeView(p.name(), v.name(), v.size(), v.blockSize(), v.codec(), v.profile(),
        v.origin(), v.snapshots(), v.created().toString(), v.modified().toString(),
        p.volumes().openHandles(v.name()));
  }

  static SnapshotView snapshot(Pool p, SnapshotInfo s) {
    return new SnapshotView(p.name(), s.volume(), s.name(), s.size(), s.created().toString());
  }

  static StatsView stats(Pool p, VolumeStats s) {
    return new StatsView(p.name(), s.name(), s.size(), s.bytesWritten(), s.allocatedBytes(),
        s.uniqueBytes(), s.sharedBytes());
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
