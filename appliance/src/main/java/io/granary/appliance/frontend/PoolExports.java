package io.granary.appliance.frontend;

import io.granary.appliance.metrics.Metrics;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.qos.Throttles;
import io.granary.appliance.qos.VolumeThrottle;
import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.RequestPacer;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every volume of every pool as an NBD export, {@code POOL/VOLUME}, and every snapshot as a
 * read-only one, {@code POOL/VOLUME@SNAP}. Looked up live, so new volumes appear at once.
 * Opened exports are metered, and paced by their volume's QoS throttle (a snapshot export's
 * I/O is its volume's).
 */
public final class PoolExports implements ExportCatalog {
  private final Pools pools;
  private final Throttles throttles;
  private final Metrics metrics;

  public PoolExports(Pools pools, Throttles throttles, Metrics metrics) {
    this.pools = pools;
    this.throttles = throttles;
    this.metrics = metrics;
  }

  @Override
  public List<ExportInfo> list() throws IOException {
    List<ExportInfo> out = new ArrayList<>();
    for (Pool p : pools.list()) {
      for (VolumeInfo v : p.volumes().list()) {
        out.add(volume(p, v));
        if (v.snapshots() > 0) {
          for (SnapshotInfo s : p.volumes().snapshots(v.name())) {
            out.add(snapshot(p, v, s));
          }
        }
      }
    }
    return out;
  }

  @Override
  public Optional<ExportInfo> describe(String name) throws IOException {
    try {
      VolumeRef n = VolumeRef.parse(name);
      Pool p = pools.get(n.pool());
      VolumeInfo v = p.volumes().info(n.volume());
      if (n.snapshot() == null) {
        return Optional.of(volume(p, v));
      }
      for (SnapshotInfo s : p.volumes().snapshots(v.name())) {
        if (s.name().equals(n.snapshot())) {
          return Optional.of(snapshot(p, v, s));
        }
      }
      return Optional.empty();
    } catch (InvalidNameException | NoSuchVolumeException e) {
      return Optional.empty();
    }
  }

  @Override
  public Volume open(String name) throws IOException {
    VolumeRef n = exported(name);
    Pool p = pools.get(n.pool());
    Volume v =
        n.snapshot() == null
            ? p.volumes().open(n.volume())
            : p.volumes().openSnapshot(n.volume(), n.snapshot());
    return metrics.metered(n.pool(), n.volume(), v);
  }

  /** The volume's throttle: its budget is shared with every other connection and open file. */
  @Override
  public RequestPacer pacer(String name) throws IOException {
    VolumeRef n = exported(name);
    VolumeThrottle throttle = throttles.of(n.pool(), n.volume());
    return throttle::delayNanos;
  }

  /** The volume or snapshot an export name names; a name that cannot be one names no export. */
  private static VolumeRef exported(String name) throws NoSuchVolumeException {
    try {
      return VolumeRef.parse(name);
    } catch (InvalidNameException e) {
      throw new NoSuchVolumeException("no export named " + name, e);
    }
  }

  private static ExportInfo volume(Pool p, VolumeInfo v) {
    String description =
        "volume, "
            + v.codec()
            + ", profile "
            + v.profile()
            + (v.origin() == null ? "" : ", clone of " + p.name() + "/" + v.origin());
    return new ExportInfo(
        new VolumeRef(p.name(), v.name(), null).toString(),
        description + (p.readOnly() ? ", read-only (pool attached read-only)" : ""),
        v.size(),
        v.blockSize(),
        p.readOnly());
  }

  private static ExportInfo snapshot(Pool p, VolumeInfo v, SnapshotInfo s) {
    return new ExportInfo(
        new VolumeRef(p.name(), v.name(), s.name()).toString(),
        "snapshot of " + p.name() + "/" + v.name() + " taken " + s.created() + ", read-only",
        s.size(),
        v.blockSize(),
        true);
  }
}
