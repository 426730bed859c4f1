package io.granary.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.ConnectionLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code [nbd]} tuning keys: their defaults, their values, and what is refused. */
class NbdSectionTest {
  @TempDir Path tmp;

  private ApplianceConfig.Nbd load(String toml) throws Exception {
    Path f = tmp.resolve("granary.conf");
    Files.writeString(f, toml);
    return ConfigLoader.load(f, new ConfigLoader.Overrides(null, null, null), tmp.resolve("data"))
        .nbd();
  }

  @Test
  void withoutTheKeysTheDocumentedDefaults() throws Exception {
    ApplianceConfig.Nbd nbd = load("[nbd]\n");
    assertEquals(new ConnectionLimits(16384, 256, 256, Duration.ofMinutes(5)), nbd.limits());
    assertEquals(128L << 20, nbd.maxInFlight());
    assertEquals(Duration.ofSeconds(30), nbd.handshakeTimeout());
  }

  @Test
  void theLimitsAsConfigured() throws Exception {
    ApplianceConfig.Nbd nbd =
        load(
            """
        [nbd]
        max-connections = 1000
        max-connections-per-client = 8
        max-requests-in-flight = 32
        handshake-timeout = "2s"
        """);
    assertEquals(new ConnectionLimits(1000, 8, 32, Duration.ofMinutes(5)), nbd.limits());
    assertEquals(Duration.ofSeconds(2), nbd.handshakeTimeout());
  }

  @Test
  void aLimitMustBeAPositiveWholeNumber() {
    for (String bad : new String[] {"0", "-3", "\"64\"", "2.5", "10000000000"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> load("[nbd]\nmax-connections-per-client = " + bad + "\n"),
              bad);
      assertTrue(
          e.getMessage().startsWith("nbd.max-connections-per-client must be a positive"),
          e.getMessage());
    }
  }

  private static final String TLS =
      "[nbd]\ntls = \"required\"\ntls-certificate = \"c.pem\"\ntls-key = \"k.pem\"\n";

  @Test
  void peersAreVerifiedWheneverAClientCaIsGivenUnlessTurnedOff() throws Exception {
    assertFalse(load(TLS).tls().verifyPeer(), "no CA, nothing to verify against");
    ApplianceConfig.Nbd withCa = load(TLS + "tls-client-ca = \"ca.pem\"\n");
    assertTrue(withCa.tls().verifyPeer());
    assertEquals(tmp.resolve("data/ca.pem"), withCa.tls().clientCa());
    assertFalse(
        load(TLS + "tls-client-ca = \"ca.pem\"\ntls-verify-peer = false\n").tls().verifyPeer());
    IllegalArgumentException noCa =
        assertThrows(IllegalArgumentException.class, () -> load(TLS + "tls-verify-peer = true\n"));
    assertTrue(noCa.getMessage().contains("needs nbd.tls-client-ca"), noCa.getMessage());
    IllegalArgumentException notBool =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(TLS + "tls-client-ca = \"ca.pem\"\ntls-verify-peer = \"yes\"\n"));
    assertTrue(notBool.getMessage().contains("true or false"), notBool.getMessage());
  }

  @Test
  void aMisspelledKeyIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> load("[nbd]\nmax-connection = 10\n"));
    assertEquals("unknown configuration key nbd.max-connection", e.getMessage());
  }
}
