package io.granary.snapshots.api;

import java.time.Instant;

/** A snapshot: the volume it belongs to, its name, the volume's size then, and when. */
public record SnapshotInfo(String volume, String name, long size, Instant created) {
  public String fullName() {
    return volume + "@" + name;
  }
}
