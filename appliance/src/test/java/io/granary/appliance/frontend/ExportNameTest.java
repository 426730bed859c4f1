package io.granary.appliance.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** NBD export names: {@code POOL/VOLUME} and {@code POOL/VOLUME@SNAP}, ':' in snapshots only. */
class ExportNameTest {
  @Test
  void parsesVolumesAndSnapshots() {
    assertEquals(new ExportName("default", "vm1", null), ExportName.parse("default/vm1"));
    assertEquals(new ExportName("default", "vm1", "auto-2026-11-24T10:00Z"),
        ExportName.parse("default/vm1@auto-2026-11-24T10:00Z"));
    assertEquals("default/vm1@auto-2026-11-24T10:00Z",
        ExportName.of("default", "vm1", "auto-2026-11-24T10:00Z"));
  }

  @Test
  void refusesWhatCannotBeAnExport() {
    assertNull(ExportName.parse("vm1"));
    assertNull(ExportName.parse("default/vm:1"));
    assertNull(ExportName.parse("po:ol/vm1"));
    assertNull(ExportName.parse("default/vm1@:auto"));
    assertNull(ExportName.parse("default/vm1@a/b"));
    assertNull(ExportName.parse("default/.vm1"));
  }
}
