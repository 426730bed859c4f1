package io.granary.snapshots.api;

/**
 * A volume whose journal holds damage that keeps the volume from opening: a bad record or header
 * in a segment other than the newest, at {@code offset} bytes into the {@code segment} file (the
 * journal's directory, offset 0, when it cannot be read at all).
 */
public record DamagedJournal(String volume, String segment, long offset, String reason) {
  public String describe() {
    return "the journal of volume "
        + volume
        + " is damaged in segment "
        + segment
        + " at offset "
        + offset
        + ": "
        + reason;
  }
}
