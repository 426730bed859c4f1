package io.granary.fuse.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Paths of the mount, parsed; snapshot names may hold ':'. */
class FsPathTest {
  @Test
  void parsesEveryKind() {
    assertEquals(FsPath.Kind.ROOT, FsPath.parse("/").kind());
    assertEquals(new FsPath(FsPath.Kind.POOL, "p", null, null), FsPath.parse("/p"));
    assertEquals(new FsPath(FsPath.Kind.VOLUME, "p", "vm1", null), FsPath.parse("/p/vm1"));
    assertEquals(new FsPath(FsPath.Kind.SNAPSHOTS, "p", null, null), FsPath.parse("/p/.snapshots"));
    assertEquals(
        new FsPath(FsPath.Kind.SNAPSHOT_DIR, "p", "vm1", null), FsPath.parse("/p/.snapshots/vm1"));
    assertEquals(FsPath.Kind.OTHER, FsPath.parse("/p//vm1").kind());
    assertEquals(FsPath.Kind.OTHER, FsPath.parse("/p/vm1/x").kind());
  }

  @Test
  void snapshotFilesMayHoldColons() {
    assertEquals(
        new FsPath(FsPath.Kind.SNAPSHOT, "p", "vm1", "auto-2026-11-24T10:00Z"),
        FsPath.parse("/p/.snapshots/vm1/auto-2026-11-24T10:00Z"));
  }
}
