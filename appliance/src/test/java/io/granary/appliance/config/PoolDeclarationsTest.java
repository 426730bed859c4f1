package io.granary.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolDeclarationsTest {
  @TempDir Path tmp;

  private ApplianceConfig load(String toml) throws Exception {
    Path f = tmp.resolve("granary.conf");
    Files.writeString(f, toml);
    return ConfigLoader.load(f, new ConfigLoader.Overrides(null, null, null), tmp.resolve("data"));
  }

  @Test
  void aDeclaredPoolCarriesItsStartingSettings() throws Exception {
    ApplianceConfig c =
        load(
            """
        data = "%s"
        [pools.fast]
        path = "/srv/nvme"
        capacity = "2T"
        overcommit = 2.5
        warn = 70
        critical = 85
        services = ["snapshots", "clones"]
        """
                .formatted(tmp.resolve("data")));
    ApplianceConfig.PoolDeclaration d = c.pools().get("fast");
    assertEquals(Path.of("/srv/nvme"), d.path());
    assertEquals(
        new PoolSettings(
            2L << 40, 2.5, 70, 85, EnumSet.of(Service.SNAPSHOTS, Service.CLONES), "default"),
        d.settings());
  }

  @Test
  void undeclaredSettingsTakeTheDefaults() throws Exception {
    ApplianceConfig c = load("[pools.plain]\n");
    assertEquals(PoolSettings.defaults(), c.pools().get("plain").settings());
  }

  @Test
  void aBadSettingNamesThePool() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> load("[pools.x]\ncritical = 150\n"));
    assertTrue(e.getMessage().startsWith("pools.x: "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> load("[pools.x]\nquota = \"1G\"\n"));
    assertTrue(e.getMessage().contains("pools.x.quota"), e.getMessage());
  }

  @Test
  void aPoolOnAnObjectStoreNamesItsBucketAndCredentialsFile() throws Exception {
    ApplianceConfig c =
        load(
            """
        [pools.remote]
        capacity = "10T"
        s3 = "http://rgw.example:7480"
        bucket = "granary"
        prefix = "site-a"
        cache = "64G"
        credentials = "/etc/granary/s3.credentials"
        durability = "remote"
        spool = "1G"
        requests-per-second = 500
        bandwidth = "100M"
        """);
    assertEquals(
        new PoolBucket(
            "http://rgw.example:7480",
            "us-east-1",
            "granary",
            "site-a/",
            true,
            64L << 30,
            "/etc/granary/s3.credentials",
            null,
            PoolBucket.REMOTE,
            1L << 30,
            500,
            100L << 20,
            false),
        c.pools().get("remote").bucket());
    assertEquals(null, load("[pools.plain]\n").pools().get("plain").bucket());
  }

  @Test
  void aBucketNeedsItsUrlAndACapacity() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> load("[pools.x]\nbucket = \"granary\"\n"));
    assertTrue(e.getMessage().contains("\"bucket\" needs \"s3\""), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("[pools.x]\ns3 = \"http://h:1\"\nbucket = \"granary\"\n"));
    assertTrue(e.getMessage().contains("needs a capacity"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("[pools.x]\ncapacity = \"1T\"\ns3 = \"ftp://h\"\nbucket = \"granary\"\n"));
    assertTrue(
        e.getMessage().contains("http or https") || e.getMessage().contains("http://HOST"),
        e.getMessage());
  }
}
