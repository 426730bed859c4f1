package io.granary.fuse.api;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.util.List;

/**
 * The pools behind the mount, as the appliance runs them: their names, each pool's volume
 * store (the same volume objects the NBD server uses), the spec of a volume created through a
 * file, the pool's space for statfs, and the handle an open file's I/O goes through.
 */
public interface FuseNamespace {

  List<String> pools();

  /** The pool's volumes, or a {@code NoSuchVolumeException} for an unknown pool. */
  VolumeStore store(String pool) throws IOException;

  /** A new volume of {@code size} bytes with the pool's default profile. */
  VolumeSpec newVolume(String pool, long size) throws IOException;

  PoolSpace space(String pool) throws IOException;

  /**
   * The handle an open file of {@code pool} reads and writes through, given the volume's (or
   * snapshot's) own handle: the appliance wraps it for QoS and metrics. Closing the returned
   * handle must close {@code volume}. The handle itself by default.
   */
  default Volume serve(String pool, Volume volume) throws IOException {
    return volume;
  }
}
