package io.granary.appliance.frontend;

import io.granary.appliance.metrics.Metrics;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.PoolFill;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.qos.ThrottledVolume;
import io.granary.appliance.qos.Throttles;
import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.PoolSpace;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Every pool as a directory of the FUSE namespace, over the same volume stores the NBD server
 * uses. A volume made by creating a file gets the pool's default profile. Open files are
 * metered and wait for their volume's QoS budget, the one its NBD connections share.
 */
public final class PoolFiles implements FuseNamespace {
  private final Provisioning provisioning;
  private final Pools pools;
  private final Throttles throttles;
  private final Metrics metrics;

  public PoolFiles(Provisioning provisioning, Throttles throttles, Metrics metrics) {
    this.provisioning = provisioning;
    this.pools = provisioning.pools();
    this.throttles = throttles;
    this.metrics = metrics;
  }

  @Override
  public List<String> pools() {
    return pools.list().stream().map(Pool::name).toList();
  }

  @Override
  public VolumeStore store(String pool) throws IOException {
    return pools.get(pool).volumes();
  }

  @Override
  public VolumeSpec newVolume(String pool, long size) throws IOException {
    return provisioning.newVolume(pools.get(pool), size, null);
  }

  /**
   * The pool's capacity and what is left of it, or what is left on its file system when that
   * is less (a pool's capacity may promise more than the disk holds).
   */
  @Override
  public PoolSpace space(String pool) throws IOException {
    Pool p = pools.get(pool);
    PoolFill u = p.fill();
    long free = Math.max(0, u.capacity() - u.used() - u.buffered());
    return new PoolSpace(
        u.capacity(), Math.min(free, Files.getFileStore(p.path()).getUsableSpace()));
  }

  /**
   * The file's handle, throttled then metered, so that the metered service time leaves the
   * QoS wait out. A snapshot's I/O ({@code VOLUME@SNAP}) is its volume's.
   */
  @Override
  public Volume serve(String pool, Volume volume) throws IOException {
    String owner = StateRef.parse(volume.name()).volume();
    return new ThrottledVolume(metrics.metered(pool, owner, volume), throttles.of(pool, owner));
  }
}
