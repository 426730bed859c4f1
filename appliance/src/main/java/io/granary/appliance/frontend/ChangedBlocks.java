package io.granary.appliance.frontend;

import io.granary.nbd.api.StatusMap;
import io.granary.nbd.api.StatusRun;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qemu:dirty-bitmap:NAME} of a snapshot export: dirty (bit 0) where a block's content
 * differs between the older state and the snapshot, from a ranged diff of their trees at every
 * request (nothing is kept per connection; an older state deleted since makes the request fail
 * with the reason). Unlike a hypervisor's bitmap it is exact: a block rewritten with the same
 * bytes, or a hole trimmed again, is clean.
 */
final class ChangedBlocks implements StatusMap {
  static final String PREFIX = "qemu:dirty-bitmap:";
  static final int DIRTY = 1;

  private final VolumeStore volumes;
  private final StateRef since;
  private final StateRef snapshot;

  ChangedBlocks(VolumeStore volumes, StateRef since, StateRef snapshot) {
    this.volumes = volumes;
    this.since = since;
    this.snapshot = snapshot;
  }

  @Override
  public List<StatusRun> status(long offset, long length) throws IOException {
    List<StatusRun> out = new ArrayList<>();
    for (Extent e : volumes.diff(since, snapshot, offset, length)) {
      out.add(new StatusRun(e.offset(), e.length(), DIRTY));
    }
    return out;
  }
}
