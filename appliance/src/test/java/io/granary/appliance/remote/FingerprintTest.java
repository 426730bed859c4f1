package io.granary.appliance.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate's fingerprint: computed as keytool computes it, read in the forms people paste. */
class FingerprintTest {
  private static final String HEX = "0123456789abcdef".repeat(4);

  @TempDir Path tmp;

  @Test
  void isTheSha256OfTheCertificateAsKeytoolPrintsIt() throws Exception {
    TestKeyStore ks = TestKeyStore.create(tmp.resolve("a.p12"), "peer-a");
    Fingerprint f = Fingerprint.of(ks.certificate());
    assertEquals(Fingerprint.parse(ks.keytoolFingerprint()), f);
    assertTrue(f.toString().matches("SHA256:[0-9a-f]{64}"), f.toString());
  }

  @Test
  void readsItsOwnFormAndTheColonSeparatedUpperCaseOne() {
    Fingerprint f = Fingerprint.parse("SHA256:" + HEX);
    assertEquals("SHA256:" + HEX, f.toString());
    StringBuilder colons = new StringBuilder();
    for (int i = 0; i < HEX.length(); i += 2) {
      colons.append(i == 0 ? "" : ":").append(HEX, i, i + 2);
    }
    assertEquals(f, Fingerprint.parse("sha256: " + colons.toString().toUpperCase()));
    assertEquals(f, Fingerprint.parse(f.toString()));
  }

  @Test
  void refusesAnythingElse() {
    for (String bad :
        new String[] {
          HEX,
          "SHA1:" + HEX,
          "SHA256:" + HEX.substring(2),
          "SHA256:" + HEX + "00",
          "SHA256:" + HEX.replace('a', 'g'),
          "",
          "SHA256:"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse(bad), bad);
      assertTrue(e.getMessage().contains("SHA256:<64 hex digits>"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse(null));
  }
}
