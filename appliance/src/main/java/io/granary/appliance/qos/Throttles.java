package io.granary.appliance.qos;

import io.granary.appliance.policy.QosLimits;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Profiles;
import io.granary.appliance.pool.Provisioning;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeRef;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The QoS throttle of every volume in use: one per {@code POOL/VOLUME}, shared by all its NBD
 * connections (snapshot exports included) and open files, so the profile's limits are the
 * volume's whatever reaches it. Limits come from the volume's profile and are re-resolved for
 * every throttle after each policy change, so live connections follow at once.
 *
 * <p>A throttle outlives the handles on its volume (its throttled time is a counter); it is
 * dropped once its volume is gone, found at a policy change or by {@link #prune}. No lock of
 * its own: a throttle created while a policy change runs re-resolves its limits (the
 * {@code generation} check), and a policy change may run inside the pools' lock.
 */
public final class Throttles {
  private static final System.Logger LOG = System.getLogger(Throttles.class.getName());

  private final Pools pools;
  private final Profiles profiles;
  private final LongSupplier nanoTime;
  private final Map<VolumeRef, VolumeThrottle> throttles = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  private Throttles(Pools pools, Profiles profiles, LongSupplier nanoTime) {
    this.pools = pools;
    this.profiles = profiles;
    this.nanoTime = nanoTime;
  }

  /** The throttles of the provisioned volumes, following their policy changes. */
  public static Throttles over(Provisioning provisioning, LongSupplier nanoTime) {
    Throttles t = new Throttles(provisioning.pools(), provisioning.profiles(), nanoTime);
    provisioning.onPolicyChange(t::refresh);
    return t;
  }

  /**
   * The throttle of {@code pool/volume}, made on first use.
   *
   * @throws NoSuchVolumeException if there is no such pool or volume
   */
  public VolumeThrottle of(String pool, String volume) throws IOException {
    VolumeRef key = new VolumeRef(pool, volume, null);
    VolumeThrottle t = throttles.get(key);
    if (t != null) {
      return t;
    }
    long seen = generation.get();
    QosLimits limits = resolve(pool, volume);
    t = throttles.computeIfAbsent(key, k -> new VolumeThrottle(limits, nanoTime));
    if (generation.get() != seen) {
      t.setLimits(resolve(pool, volume)); // a policy change ran meanwhile and may have missed it
    }
    return t;
  }

  /** Re-reads every throttle's limits from its volume's profile; drops those of volumes gone. */
  public void refresh() {
    generation.incrementAndGet();
    int changed = 0;
    for (Map.Entry<VolumeRef, VolumeThrottle> e : throttles.entrySet()) {
      VolumeRef key = e.getKey();
      try {
        QosLimits limits = resolve(key.pool(), key.volume());
        if (!limits.equals(e.getValue().limits())) {
          e.getValue().setLimits(limits);
          changed++;
        }
      } catch (NoSuchVolumeException gone) {
        throttles.remove(key, e.getValue());
      } catch (IOException | RuntimeException failure) {
        LOG.log(
            Level.WARNING, "cannot re-read the QoS limits of {0}: {1}", key, failure.toString());
      }
    }
    if (changed > 0) {
      LOG.log(Level.INFO, "QoS limits changed on {0} volumes in use", changed);
    }
  }

  /**
   * Drops the throttles of {@code pool}'s volumes that are not in {@code existing} and no
   * longer exist (checked again, since a volume may have been created since the list).
   */
  public void prune(String pool, Collection<String> existing) {
    for (Map.Entry<VolumeRef, VolumeThrottle> e : throttles.entrySet()) {
      VolumeRef key = e.getKey();
      if (key.pool().equals(pool) && !existing.contains(key.volume())) {
        try {
          resolve(pool, key.volume());
        } catch (NoSuchVolumeException gone) {
          throttles.remove(key, e.getValue());
        } catch (IOException | RuntimeException ignored) {
          // kept: only a volume known to be gone loses its throttle
        }
      }
    }
  }

  /** The waits imposed on {@code pool/volume}'s I/O so far, in nanoseconds (0 if none yet). */
  public long throttledNanos(String pool, String volume) {
    VolumeThrottle t = throttles.get(new VolumeRef(pool, volume, null));
    return t == null ? 0 : t.throttledNanos();
  }

  private QosLimits resolve(String pool, String volume) throws IOException {
    VolumeInfo v = pools.get(pool).volumes().info(volume);
    return profiles.profileOf(v).qos();
  }
}
