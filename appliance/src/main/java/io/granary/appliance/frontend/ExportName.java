package io.granary.appliance.frontend;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;

/**
 * An NBD export name: {@code POOL/VOLUME}, {@code POOL/VOLUME@SNAP}, or {@code
 * POOL/VOLUME@SNAP~SINCE}, the snapshot offering exactly one changed-blocks context, {@code
 * qemu:dirty-bitmap:SINCE}, for tools that take the one bitmap a server offers. {@code ~}
 * appears in no volume or snapshot name, so the forms cannot be confused.
 *
 * @param since the bitmap's name ({@code SNAP}, or {@code VOLUME@SNAP} for an older state of
 *     the clone's origin), or null
 */
record ExportName(VolumeRef state, String since) {
  private static final char SINCE = '~';

  static ExportName parse(String text) throws InvalidNameException {
    int tilde = text.indexOf(SINCE);
    if (tilde < 0) {
      return new ExportName(VolumeRef.parse(text), null);
    }
    VolumeRef state = VolumeRef.parse(text.substring(0, tilde));
    String since = text.substring(tilde + 1);
    if (state.snapshot() == null || since.isEmpty()) {
      throw new InvalidNameException(
          "'" + text + "': changed blocks are offered as POOL/VOLUME@SNAPSHOT~OLDER");
    }
    return new ExportName(state, since);
  }
}
