package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code [POOL/]VOLUME[@SNAPSHOT]} on the command line: ':' in snapshot names only. */
class ObjectNameTest {
  @Test
  void snapshotNamesMayHoldColons() {
    ObjectName n = ObjectName.parse("p/vm1@auto-2026-11-24T10:00Z", true, true);
    assertEquals(new ObjectName("p", "vm1", "auto-2026-11-24T10:00Z"), n);
    assertEquals("p/vm1@auto-2026-11-24T10:00Z", n.toString());
    assertEquals(new ObjectName("default", "vm1", null), ObjectName.parse("vm1", true, false));
  }

  @Test
  void poolAndVolumeNamesMayNot() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.parse("p/vm:1", false, false));
    assertTrue(e.getMessage().startsWith("invalid volume name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ObjectName.parse("p:x/vm1", false, false));
    e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.parse("p/vm1@:auto", true, true));
    assertTrue(e.getMessage().startsWith("invalid snapshot name"), e.getMessage());
  }
}
