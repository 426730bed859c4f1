package io.granary.appliance.cli;

import io.granary.snapshots.api.Names;

/**
 * {@code [POOL/]VOLUME[@SNAPSHOT]} as the commands take it; the pool defaults to
 * {@code default}. A snapshot name may hold {@code :} ({@link Names#isValidSnapshot}).
 */
public record ObjectName(String pool, String volume, String snapshot) {
  public static ObjectName parse(String text, boolean snapshotAllowed, boolean snapshotRequired) {
    String rest = text;
    String pool = "default";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      pool = rest.substring(0, slash);
      rest = rest.substring(slash + 1);
    }
    String snap = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      snap = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    if (snap != null && !snapshotAllowed) {
      throw new IllegalArgumentException("'" + text + "' names a snapshot; a volume is expected");
    }
    if (snap == null && snapshotRequired) {
      throw new IllegalArgumentException("'" + text + "' must name a snapshot: POOL/VOLUME@SNAPSHOT");
    }
    check("pool", pool, text);
    check("volume", rest, text);
    if (snap != null && !Names.isValidSnapshot(snap)) {
      throw new IllegalArgumentException("invalid snapshot name in '" + text
          + "': snapshot names have 1 to 128 of A-Z a-z 0-9 . _ - :, not starting with . - or :");
    }
    return new ObjectName(pool, rest, snap);
  }

  private static void check(String what, String name, String text) {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid " + what + " name in '" + text
          + "': names have 1 to 128 of A-Z a-z 0-9 . _ -, not starting with . or -");
    }
  }

  public String volumePath() {
    return "/api/v1/pools/" + pool + "/volumes/" + volume;
  }

  @Override
  public String toString() {
    return pool + "/" + volume + (snapshot == null ? "" : "@" + snapshot);
  }
}
