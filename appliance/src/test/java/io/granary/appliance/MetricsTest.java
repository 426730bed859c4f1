package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.config.ConfigLoader;
import io.granary.appliance.metrics.Metrics;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.qos.Throttles;
import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.Volume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics of real pools in a test directory, read back from their text exposition. */
class MetricsTest {
  @TempDir Path tmp;
  private Provisioning provisioning;
  private Throttles throttles;
  private Metrics metrics;
  private final AtomicLong now = new AtomicLong();

  @BeforeEach
  void open() throws Exception {
    provisioning =
        Provisioning.open(
            ConfigLoader.load(null, new ConfigLoader.Overrides(tmp, "none", "none"), tmp),
            Clock.systemUTC());
    throttles = Throttles.over(provisioning, now::get);
    metrics = Metrics.create(provisioning.pools(), throttles);
  }

  @AfterEach
  void close() throws Exception {
    provisioning.close();
  }

  private PromText scrape() throws Exception {
    Metrics.Exposition e = metrics.scrape(null);
    assertTrue(e.contentType().startsWith("text/plain; version=0.0.4"), e.contentType());
    return new PromText(new String(e.body(), StandardCharsets.UTF_8));
  }

  @Test
  void aMeteredHandleCountsWhatCompleted() throws Exception {
    Pool pool = provisioning.pools().get("default");
    pool.volumes().create("vm", provisioning.newVolume(pool, 1 << 20, null));
    try (Volume v = metrics.metered("default", "vm", pool.volumes().open("vm"))) {
      byte[] block = new byte[4096];
      block[0] = 1;
      v.write(0, block, 0, 4096, false);
      v.write(8192, block, 0, 4096, true);
      v.read(0, block, 0, 512);
      v.trim(0, 4096, false);
      v.writeZeroes(8192, 4096, false);
      v.flush();
      v.blockStatus(0, 1 << 20);
      assertThrows(OutOfRangeException.class, () -> v.read(1 << 20, new byte[10], 0, 10));
    }
    PromText m = scrape();
    String[] vm = {"pool", "default", "volume", "vm"};
    assertEquals(1, m.value("granary_volume_read_ops_total", vm), "the failed read is not counted");
    assertEquals(512, m.value("granary_volume_read_bytes_total", vm));
    assertEquals(4, m.value("granary_volume_write_ops_total", vm), "writes, trim, write-zeroes");
    assertEquals(8192, m.value("granary_volume_write_bytes_total", vm));
    for (String[] op :
        new String[][] {
          {"read", "1"}, {"write", "2"}, {"trim", "1"}, {"zero", "1"}, {"flush", "1"}
        }) {
      assertEquals(
          Double.parseDouble(op[1]),
          m.value("granary_volume_request_duration_seconds_count", "op", op[0], "pool", "default"),
          op[0]);
    }
  }

  @Test
  void everyVolumeHasItsSeriesUntilItIsDeleted() throws Exception {
    Pool pool = provisioning.pools().get("default");
    pool.volumes().create("a", provisioning.newVolume(pool, 1 << 20, null));
    pool.volumes().create("b", provisioning.newVolume(pool, 2 << 20, null));
    PromText m = scrape();
    assertEquals(0, m.value("granary_volume_write_ops_total", "pool", "default", "volume", "a"));
    assertEquals(
        0, m.value("granary_volume_throttled_seconds_total", "pool", "default", "volume", "b"));
    assertEquals(3 << 20, m.value("granary_pool_provisioned_bytes", "pool", "default"));
    assertEquals(
        0.8, m.value("granary_pool_threshold_ratio", "level", "warning", "pool", "default"));
    assertEquals(
        0.9, m.value("granary_pool_threshold_ratio", "level", "critical", "pool", "default"));
    assertEquals(0, m.value("granary_pool_alert_level", "pool", "default"));
    assertEquals(0, m.value("granary_nbd_connections"));
    assertEquals(0, m.value("granary_nbd_connections_refused_total"));

    pool.volumes().delete("a", false);
    m = scrape();
    assertFalse(m.mentions("volume", "a"));
    assertTrue(m.mentions("volume", "b"));
  }

  @Test
  void refusedNbdConnectionsAreTheServersCount() throws Exception {
    long[] refused = {3};
    metrics.nbdRefused(() -> refused[0]);
    assertEquals(3, scrape().value("granary_nbd_connections_refused_total"));
    refused[0] = 4;
    assertEquals(4, scrape().value("granary_nbd_connections_refused_total"));
  }

  @Test
  void throttledTimeIsTheVolumeThrottlesWaits() throws Exception {
    provisioning.createProfile(new Profile("slow", 10, 0, 1, "lz4", true, 0, 0, 0, 0));
    Pool pool = provisioning.pools().get("default");
    pool.volumes().create("vm", provisioning.newVolume(pool, 1 << 20, "slow"));
    var throttle = throttles.of("default", "vm");
    assertEquals(0, throttle.delayNanos(false, 4096));
    assertEquals(100_000_000L, throttle.delayNanos(false, 4096));
    assertEquals(
        0.1,
        scrape().value("granary_volume_throttled_seconds_total", "pool", "default", "volume", "vm"),
        1e-9);
  }
}
