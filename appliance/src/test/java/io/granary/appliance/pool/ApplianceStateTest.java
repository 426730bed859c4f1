package io.granary.appliance.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplianceStateTest {
  @TempDir Path tmp;

  @Test
  void aVersionOneFileIsUpgradedWithDefaultsAndKnownSettings() throws Exception {
    Path f = tmp.resolve("appliance.json");
    Files.writeString(
        f,
        """
        {"version": 1,
         "pools": [{"name": "tank", "path": "/srv/tank", "profile": "gold",
                    "created": "2026-11-01T00:00:00Z"}],
         "profiles": [{"name": "gold", "settings": {"codec": "zstd:3", "blockSize": 65536,
                                                    "colour": "gold"}}]}
        """);
    ApplianceState s = ApplianceState.load(f);
    assertEquals(ApplianceState.VERSION, s.version());
    ApplianceState.PoolEntry tank = s.pools().get(0);
    assertEquals(PoolSettings.defaults().withProfile("gold"), tank.settings());
    assertEquals("/srv/tank", tank.path());
    Profile gold = s.profiles().get(0);
    assertEquals("zstd:3", gold.codec());
    assertEquals(65536, gold.blockSize());
  }

  @Test
  void theCurrentVersionRoundTrips() throws Exception {
    Path f = tmp.resolve("appliance.json");
    ApplianceState s =
        new ApplianceState(
            ApplianceState.VERSION,
            List.of(
                ApplianceState.PoolEntry.of(
                    "tank",
                    "/srv/tank",
                    "2026-11-01T00:00:00Z",
                    PoolSettings.defaults().withCapacity(1L << 40).withOvercommit(2.5),
                    null),
                ApplianceState.PoolEntry.of(
                    "remote",
                    "/srv/remote",
                    "2026-12-07T00:00:00Z",
                    PoolSettings.defaults().withCapacity(1L << 40),
                    new PoolBucket(
                        "http://rgw.example:7480",
                        "eu-1",
                        "granary",
                        "site-a/",
                        true,
                        1L << 30,
                        "/etc/granary/s3.credentials",
                        null,
                        PoolBucket.REMOTE,
                        256L << 20,
                        100,
                        50L << 20,
                        true))),
            List.of(
                new Profile(
                    "gold", 500, 100L << 20, 50, "zstd:3", false, 65536, 3600, 24, 7 * 86400)));
    s.save(f);
    assertEquals(s, ApplianceState.load(f));
  }

  /** A version 2 file (before pools on object stores) reads as local pools. */
  @Test
  void aVersionTwoFileReadsWithLocalPools() throws Exception {
    Path f = tmp.resolve("appliance.json");
    Files.writeString(
        f,
        """
        {"version": 2,
         "pools": [{"name": "tank", "path": "/srv/tank", "created": "2026-11-01T00:00:00Z",
                    "capacity": 0, "overcommit": 4.0, "warnPercent": 80,
                    "criticalPercent": 90, "services": ["snapshots"], "profile": "default"}],
         "profiles": []}
        """);
    ApplianceState s = ApplianceState.load(f);
    assertEquals(ApplianceState.VERSION, s.version());
    assertEquals(null, s.pools().get(0).bucket());
    assertEquals("/srv/tank", s.pools().get(0).path());
  }

  /** A bucket saved before durability, the spool bound and the limits: local, 8 GiB, none. */
  @Test
  void aBucketWithoutTheNewerFieldsReadsWithTheirDefaults() throws Exception {
    Path f = tmp.resolve("appliance.json");
    Files.writeString(
        f,
        """
        {"version": 3,
         "pools": [{"name": "far", "path": "/srv/far", "created": "2026-12-07T00:00:00Z",
                    "capacity": 1099511627776, "overcommit": 4.0, "warnPercent": 80,
                    "criticalPercent": 90, "services": ["snapshots"], "profile": "default",
                    "bucket": {"endpoint": "http://rgw:7480", "region": "us-east-1",
                               "bucket": "granary", "prefix": "", "pathStyle": true,
                               "cacheBytes": 1073741824}}],
         "profiles": []}
        """);
    PoolBucket b = ApplianceState.load(f).pools().get(0).bucket();
    assertEquals(PoolBucket.LOCAL, b.durability());
    assertEquals(io.granary.dedupe.api.ObjectStoreConfig.DEFAULT_SPOOL_BYTES, b.spoolBytes());
    assertEquals(0, b.requestsPerSecond());
    assertEquals(0, b.bandwidthBytes());
  }
}
