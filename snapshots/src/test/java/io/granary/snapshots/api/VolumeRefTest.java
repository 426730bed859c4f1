package io.granary.snapshots.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code POOL/VOLUME[@SNAPSHOT]}, as NBD export names and the CLI write it: ':' in snapshot
 * names only, the pool optional only where a default is given.
 */
class VolumeRefTest {
  @Test
  void parsesVolumesAndSnapshots() throws Exception {
    assertEquals(new VolumeRef("default", "vm1", null), VolumeRef.parse("default/vm1"));
    VolumeRef snap = VolumeRef.parse("default/vm1@auto-2026-11-24T10:00Z");
    assertEquals(new VolumeRef("default", "vm1", "auto-2026-11-24T10:00Z"), snap);
    assertEquals("default/vm1@auto-2026-11-24T10:00Z", snap.toString());
    assertTrue(snap.isSnapshot());
    assertEquals(new VolumeRef("default", "vm1", null), snap.head());
    assertEquals(new StateRef("vm1", "auto-2026-11-24T10:00Z"), snap.state());
    assertEquals(snap, VolumeRef.of("default", StateRef.parse("vm1@auto-2026-11-24T10:00Z")));
    assertEquals("p/vm1", new VolumeRef("p", "vm1", null).toString());
  }

  @Test
  void aDefaultPoolMayStandInForAMissingOne() throws Exception {
    assertEquals(new VolumeRef("default", "vm1", null), VolumeRef.parse("vm1", "default"));
    assertEquals(new VolumeRef("p", "vm1", "s"), VolumeRef.parse("p/vm1@s", "default"));
    InvalidNameException e = assertThrows(InvalidNameException.class, () -> VolumeRef.parse("vm1"));
    assertTrue(e.getMessage().contains("names no pool"), e.getMessage());
  }

  @Test
  void refusesWhatCannotBeAVolumeOrSnapshot() {
    for (String bad :
        new String[] {
          "default/vm:1",
          "po:ol/vm1",
          "default/vm1@:auto",
          "default/vm1@a/b",
          "default/.vm1",
          "default/",
          "/vm1",
          "default/vm1@",
          "default/-x",
          "default/vm1@" + "s".repeat(129),
          "p/" + "v".repeat(129)
        }) {
      assertThrows(InvalidNameException.class, () -> VolumeRef.parse(bad), bad);
      assertThrows(InvalidNameException.class, () -> VolumeRef.parse(bad, "default"), bad);
    }
  }

  @Test
  void saysWhichPartBreaksTheRule() {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> VolumeRef.parse("p/vm:1"));
    assertEquals(
        "invalid volume name 'vm:1' in 'p/vm:1': use 1 to 128 of A-Z a-z 0-9 . _ -, "
            + "not starting with . or -",
        e.getMessage());
    e = assertThrows(InvalidNameException.class, () -> VolumeRef.parse("p:x/vm1"));
    assertTrue(e.getMessage().startsWith("invalid pool name 'p:x'"), e.getMessage());
    e = assertThrows(InvalidNameException.class, () -> VolumeRef.parse("p/vm1@:auto"));
    assertEquals(
        "invalid snapshot name ':auto' in 'p/vm1@:auto': use 1 to 128 of "
            + "A-Z a-z 0-9 . _ - :, not starting with . - or :",
        e.getMessage());
  }

  @Test
  void expectsAVolumeOrASnapshot() throws Exception {
    VolumeRef volume = VolumeRef.parse("p/vm1");
    VolumeRef snap = VolumeRef.parse("p/vm1@s");
    assertEquals(volume, volume.expectVolume());
    assertEquals(snap, snap.expectSnapshot());
    assertFalse(volume.isSnapshot());
    assertTrue(
        assertThrows(InvalidNameException.class, snap::expectVolume)
            .getMessage()
            .contains("names a snapshot; a volume is expected"));
    assertTrue(
        assertThrows(InvalidNameException.class, volume::expectSnapshot)
            .getMessage()
            .contains("must name a snapshot"));
  }
}
