package io.granary.appliance.schedule;

import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.Service;
import io.granary.appliance.policy.SnapshotPolicy;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.VolumeExistsException;
import io.granary.snapshots.api.VolumeInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Carries out the profiles' snapshot policies: at each tick, a volume whose newest automatic
 * snapshot is at least one interval old gets a new one, then its expired ones are deleted.
 * Pools that do not allow snapshots are skipped, and so are replicas. One failing volume does not
 * stop the others.
 */
public final class AutoSnapshots {
  private static final System.Logger LOG = System.getLogger(AutoSnapshots.class.getName());

  private final Pools pools;
  private final Profiles profiles;

  public AutoSnapshots(Pools pools, Profiles profiles) {
    this.pools = pools;
    this.profiles = profiles;
  }

  /** One pass over every volume at time {@code now}. */
  public synchronized void tick(Instant now) {
    for (Pool pool : pools.list()) {
      if (!pool.settings().allows(Service.SNAPSHOTS)) {
        continue;
      }
      if (pool.readOnly()) {
        continue; // its writer takes its snapshots
      }
      try {
        for (VolumeInfo v : pool.volumes().list()) {
          if (v.isReplica()) {
            continue; // its snapshots arrive with it; it takes none of its own
          }
          Profile profile = profiles.profileOf(v);
          SnapshotPolicy policy = profile.snapshotPolicy();
          if (policy != null) {
            serve(pool, v, policy, now);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "automatic snapshots of pool {0}: {1}", pool.name(), e.getMessage());
      }
    }
  }

  private void serve(Pool pool, VolumeInfo v, SnapshotPolicy policy, Instant now) {
    String volume = pool.name() + "/" + v.name();
    try {
      Map<String, Instant> auto = new LinkedHashMap<>();
      for (SnapshotInfo s : pool.volumes().snapshots(v.name())) {
        Instant t = AutoSnapshotName.parse(s.name());
        if (t != null) {
          auto.put(s.name(), t);
        }
      }
      Instant newest = auto.values().stream().max(Instant::compareTo).orElse(null);
      if (newest == null || !now.isBefore(newest.plus(policy.every()))) {
        String name = AutoSnapshotName.of(now);
        try {
          pool.volumes().snapshot(v.name(), name);
          auto.put(name, AutoSnapshotName.parse(name));
          LOG.log(Level.INFO, "automatic snapshot {0}@{1}", volume, name);
        } catch (VolumeExistsException e) {
          // Taken already this minute (a manual snapshot of that name, or a clock step back).
        }
      }
      for (String old : Retention.expired(auto, policy, now)) {
        pool.volumes().deleteSnapshot(v.name(), old);
        LOG.log(Level.INFO, "automatic snapshot {0}@{1} expired and deleted", volume, old);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "automatic snapshot of {0} failed: {1}", volume, e.getMessage());
    }
  }
}
