package io.granary.appliance.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.config.ConfigLoader;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import io.granary.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's data directory on a file system full to the last byte: the provisioning open again (a
 * restart must not need space to rewrite a state file that did not change), and a change that
 * does need space fails without harming the state already saved.
 */
class ProvisioningOnFullDiskTest {
  @TempDir Path tmp;

  @Test
  void poolsOpenOnAFullDiskAndAChangeThatCannotBeSavedLeavesTheOldState() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(tmp.resolve("data"), 64L << 20)) {
      ApplianceConfig config =
          ConfigLoader.load(null, new ConfigLoader.Overrides(fs.path(), "none", "none"), tmp);
      try (Provisioning provisioning = Provisioning.open(config, Clock.systemUTC())) {
        provisioning.createPool("p", fs.path().resolve("pools/p"), PoolSettings.defaults(), null);
      }
      Path state = fs.path().resolve("appliance.json");
      String saved = Files.readString(state);
      fs.fillUp(fs.path().resolve("filler"));

      try (Provisioning provisioning = Provisioning.open(config, Clock.systemUTC())) {
        assertEquals(
            List.of("default", "p"), provisioning.pools().list().stream().map(Pool::name).toList());
        // Every change needs the state file rewritten; each fails whole, in memory as on disk.
        assertThrows(
            IOException.class,
            () ->
                provisioning.createPool(
                    "q", fs.path().resolve("pools/q"), PoolSettings.defaults(), null));
        assertThrows(
            IOException.class,
            () -> provisioning.setPool("p", PoolSettings.defaults().withCapacity(1L << 30)));
        assertEquals(PoolSettings.defaults(), provisioning.pools().get("p").settings());
        assertThrows(IOException.class, () -> provisioning.deletePool("p", false, false));
        assertEquals(
            List.of("default", "p"), provisioning.pools().list().stream().map(Pool::name).toList());
        provisioning.pools().get("p").volumes().list(); // still open and serving
        assertThrows(IOException.class, () -> provisioning.createProfile(Profile.defaults("gold")));
        assertEquals(
            List.of("default"),
            provisioning.profiles().list().stream().map(Profile::name).toList());
      }
      assertEquals(saved, Files.readString(state));
      assertEquals(
          List.of("appliance.json", "filler", "pools"),
          names(fs.path()),
          "no half-written state file left behind");
      Files.delete(fs.path().resolve("filler"));
      try (Provisioning provisioning = Provisioning.open(config, Clock.systemUTC())) {
        assertEquals(
            List.of("default", "p"), provisioning.pools().list().stream().map(Pool::name).toList());
        // The refused creation left nothing in the way of a retry.
        provisioning.createPool("q", fs.path().resolve("pools/q"), PoolSettings.defaults(), null);
      }
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("granaryd"))
          .sorted()
          .toList();
    }
  }
}
