package io.granary.appliance.frontend;

import io.granary.appliance.metrics.Metrics;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.qos.Throttles;
import io.granary.appliance.qos.VolumeThrottle;
import io.granary.nbd.api.ExportCatalog;
import io.granary.nbd.api.ExportInfo;
import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.api.StatusMap;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeRef;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
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
      ExportName n = ExportName.parse(name);
      VolumeRef ref = n.state();
      Pool p = pools.get(ref.pool());
      VolumeInfo v = p.volumes().info(ref.volume());
      if (ref.snapshot() == null) {
        return Optional.of(volume(p, v));
      }
      for (SnapshotInfo s : p.volumes().snapshots(v.name())) {
        if (!s.name().equals(ref.snapshot())) {
          continue;
        }
        if (n.since() == null) {
          return Optional.of(snapshot(p, v, s));
        }
        if (!Lineage.olderThan(p.volumes(), ref.state()).containsKey(n.since())) {
          return Optional.empty();
        }
        return Optional.of(changesOf(p, v, s, n.since()));
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

  /**
   * On a snapshot export: {@code qemu:allocation-depth}, and {@code qemu:dirty-bitmap:OLDER} for
   * every older state of its lineage (only the one named after {@code ~} in that form). A
   * volume's head changes under the reader, so it offers none: backup tools read snapshots.
   */
  @Override
  public List<String> metaContexts(String name) throws IOException {
    ExportName n = ExportName.parse(name);
    if (n.state().snapshot() == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    out.add(AllocationDepth.NAME);
    if (n.since() != null) {
      out.add(ChangedBlocks.PREFIX + n.since());
      return out;
    }
    Pool p = pools.get(n.state().pool());
    for (String older : Lineage.olderThan(p.volumes(), n.state().state()).keySet()) {
      out.add(ChangedBlocks.PREFIX + older);
    }
    return out;
  }

  @Override
  public StatusMap statusMap(String name, String context, Volume volume) throws IOException {
    if (!metaContexts(name).contains(context)) {
      throw new NoSuchElementException(name + " offers no meta context " + context);
    }
    ExportName n = ExportName.parse(name);
    StateRef state = n.state().state();
    VolumeStore volumes = pools.get(n.state().pool()).volumes();
    if (context.equals(AllocationDepth.NAME)) {
      return new AllocationDepth(volume, volumes, origin(volumes, state), state);
    }
    String older = context.substring(ChangedBlocks.PREFIX.length());
    StateRef since = Lineage.olderThan(volumes, state).get(older);
    return new ChangedBlocks(volumes, since, state);
  }

  /** The snapshot a clone was made from, if the volume is one and that snapshot still exists. */
  private static StateRef origin(VolumeStore volumes, StateRef state) throws IOException {
    String origin = volumes.info(state.volume()).origin();
    if (origin == null) {
      return null;
    }
    StateRef o = StateRef.parse(origin);
    try {
      for (SnapshotInfo s : volumes.snapshots(o.volume())) {
        if (s.name().equals(o.snapshot())) {
          return o;
        }
      }
    } catch (NoSuchVolumeException e) {
      // the origin volume is gone
    }
    return null;
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
      return ExportName.parse(name).state();
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

  private static ExportInfo changesOf(Pool p, VolumeInfo v, SnapshotInfo s, String since) {
    ExportInfo snapshot = snapshot(p, v, s);
    return new ExportInfo(
        snapshot.name() + "~" + since,
        snapshot.description() + ", with the blocks changed since " + since,
        s.size(),
        v.blockSize(),
        true);
  }
}
