package io.granary.appliance.frontend;

import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.VolumeStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The states older than a snapshot in its lineage, by the name a changed-blocks context gives
 * each: the volume's earlier snapshots by their own name, oldest first; then, for a clone, the
 * snapshot it was cloned from and that volume's earlier snapshots as {@code VOLUME@SNAP}, and
 * so on up the origins. A deleted origin ends the lineage.
 */
final class Lineage {
  /** Bounds the walk up the origins; no real chain of clones is this long. */
  static final int MAX_ORIGINS = 64;

  private Lineage() {}

  static Map<String, StateRef> olderThan(VolumeStore volumes, StateRef snapshot)
      throws IOException {
    Map<String, StateRef> out = new LinkedHashMap<>();
    StateRef at = snapshot;
    for (int hop = 0; hop <= MAX_ORIGINS && at != null; hop++) {
      boolean own = hop == 0;
      List<SnapshotInfo> snapshots;
      String origin;
      try {
        snapshots = volumes.snapshots(at.volume());
        origin = volumes.info(at.volume()).origin();
      } catch (NoSuchVolumeException e) {
        break;
      }
      int index = indexOf(snapshots, at.snapshot());
      if (index < 0) {
        break;
      }
      // The snapshot itself is older only when a clone came from it.
      for (int i = 0; i < (own ? index : index + 1); i++) {
        StateRef s = new StateRef(at.volume(), snapshots.get(i).name());
        out.put(own ? s.snapshot() : s.toString(), s);
      }
      at = origin == null ? null : StateRef.parse(origin);
    }
    return out;
  }

  private static int indexOf(List<SnapshotInfo> snapshots, String name) {
    for (int i = 0; i < snapshots.size(); i++) {
      if (snapshots.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
