package io.granary.snapshots.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The naming rules: pools and volumes as DESIGN.md says, snapshots with ':' as well. */
class NamesTest {
  private static final String LONGEST = "a".repeat(128);

  @ParameterizedTest
  @ValueSource(strings = {"a", "vm1", "_x", "9", "a.b_c-d", "A-Z.0"})
  void validNamesAreValidEverywhere(String name) {
    assertTrue(Names.isValid(name), name);
    assertTrue(Names.isValidSnapshot(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".a", "-a", ":a", "a b", "a/b", "a@b", "é", "a\n", "a*"})
  void invalidNamesAreInvalidEverywhere(String name) {
    assertFalse(Names.isValid(name), name);
    assertFalse(Names.isValidSnapshot(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto-2026-11-24T10:00Z", "a:", "a::b", "x:1:2"})
  void aColonIsForSnapshotsOnly(String name) {
    assertTrue(Names.isValidSnapshot(name), name);
    assertFalse(Names.isValid(name), name);
  }

  @Test
  void lengthIsOneTo128() throws Exception {
    assertTrue(Names.isValid(LONGEST));
    assertTrue(Names.isValidSnapshot(LONGEST));
    assertFalse(Names.isValid(LONGEST + "a"));
    assertFalse(Names.isValidSnapshot(LONGEST + "a"));
    assertFalse(Names.isValid(null));
    assertFalse(Names.isValidSnapshot(null));
    assertEquals(LONGEST, Names.checkSnapshot(LONGEST));
  }

  @Test
  void checksSayWhatIsWrong() throws Exception {
    assertEquals("auto-1:00", Names.checkSnapshot("auto-1:00"));
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> Names.checkSnapshot(":x"));
    assertEquals(VolumeException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("':x'"), e.getMessage());
    assertThrows(InvalidNameException.class, () -> Names.check("volume", "a:b"));
  }

  @Test
  void stateRefsTakeColonsInTheSnapshotOnly() throws Exception {
    StateRef r = StateRef.parse("vm1@auto-2026-11-24T10:00Z");
    assertEquals("vm1", r.volume());
    assertEquals("auto-2026-11-24T10:00Z", r.snapshot());
    assertEquals("vm1@auto-2026-11-24T10:00Z", r.toString());
    assertThrows(InvalidNameException.class, () -> StateRef.parse("vm:1@snap"));
    assertThrows(InvalidNameException.class, () -> StateRef.parse("vm1@:snap"));
  }
}
