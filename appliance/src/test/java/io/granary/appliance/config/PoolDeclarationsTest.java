package io.granary.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
