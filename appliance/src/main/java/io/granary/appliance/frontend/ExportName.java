package io.granary.appliance.frontend;

import io.granary.snapshots.api.Names;

/**
 * An NBD export name split into its parts: {@code POOL/VOLUME}, or {@code POOL/VOLUME@SNAP}
 * for a read-only snapshot. Anything else is no export.
 */
record ExportName(String pool, String volume, String snapshot) {

  /** The parts, or {@code null} when the name cannot be an export of this appliance. */
  static ExportName parse(String name) {
    int slash = name.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String pool = name.substring(0, slash);
    String rest = name.substring(slash + 1);
    int at = rest.indexOf('@');
    String volume = at < 0 ? rest : rest.substring(0, at);
    String snapshot = at < 0 ? null : rest.substring(at + 1);
    if (!Names.isValid(pool) || !Names.isValid(volume) || (snapshot != null && !Names.isValidSnapshot(snapshot))) {
      return null;
    }
    return new ExportName(pool, volume, snapshot);
  }

  static String of(String pool, String volume, String snapshot) {
    return pool + "/" + volume + (snapshot == null ? "" : "@" + snapshot);
  }
}
