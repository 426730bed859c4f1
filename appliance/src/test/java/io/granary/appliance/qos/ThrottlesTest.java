package io.granary.appliance.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.config.ConfigLoader;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.QosLimits;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Provisioning;
import io.granary.snapshots.api.NoSuchVolumeException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One throttle per volume, with its profile's limits, over real pools in a test directory. */
class ThrottlesTest {
  @TempDir Path tmp;
  private Provisioning provisioning;
  private Pool pool;
  private Throttles throttles;
  private final AtomicLong now = new AtomicLong();

  @BeforeEach
  void open() throws Exception {
    provisioning =
        Provisioning.open(
            ConfigLoader.load(null, new ConfigLoader.Overrides(tmp, "none", "none"), tmp),
            Clock.systemUTC());
    pool = provisioning.pools().get("default");
    throttles = Throttles.over(provisioning, now::get);
    provisioning.createProfile(new Profile("gold", 500, 100 << 20, 50, "lz4", true, 0, 0, 0, 0));
  }

  @AfterEach
  void close() throws Exception {
    provisioning.close();
  }

  @Test
  void aVolumesThrottleHasItsProfilesLimitsAndIsShared() throws Exception {
    pool.volumes().create("vm", provisioning.newVolume(pool, 1 << 20, "gold"));
    pool.volumes().create("plain", provisioning.newVolume(pool, 1 << 20, null));
    VolumeThrottle t = throttles.of("default", "vm");
    assertEquals(new QosLimits(500, 100 << 20, 50), t.limits());
    assertSame(t, throttles.of("default", "vm"), "every connection and file shares it");
    assertEquals(QosLimits.NONE, throttles.of("default", "plain").limits());
  }

  @Test
  void thereIsNoThrottleForWhatDoesNotExist() {
    assertThrows(NoSuchVolumeException.class, () -> throttles.of("default", "nothing"));
    assertThrows(NoSuchVolumeException.class, () -> throttles.of("nopool", "vm"));
  }

  @Test
  void aDeletedVolumesThrottleGoesAtThePolicyChangeOrPruneAfter() throws Exception {
    pool.volumes().create("a", provisioning.newVolume(pool, 1 << 20, "gold"));
    pool.volumes().create("b", provisioning.newVolume(pool, 1 << 20, "gold"));
    for (String v : List.of("a", "b")) {
      VolumeThrottle t = throttles.of("default", v);
      for (int i = 0; i < 51; i++) {
        t.delayNanos(false, 0);
      }
      assertTrue(throttles.throttledNanos("default", v) > 0);
    }
    pool.volumes().delete("a", false);
    provisioning.setPool("default", pool.settings().withThresholds(75, 90)); // a policy change
    assertEquals(0, throttles.throttledNanos("default", "a"));
    assertTrue(throttles.throttledNanos("default", "b") > 0);

    pool.volumes().delete("b", false);
    throttles.prune("default", List.of("b")); // listed before it was deleted: kept
    assertTrue(throttles.throttledNanos("default", "b") > 0);
    throttles.prune("default", List.of());
    assertEquals(0, throttles.throttledNanos("default", "b"));
  }
}
