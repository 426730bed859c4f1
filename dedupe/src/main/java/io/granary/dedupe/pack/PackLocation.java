package io.granary.dedupe.pack;

/** Where a record starts: a pack number and a byte offset within that pack. */
public record PackLocation(int packId, long offset) implements Comparable<PackLocation> {
  @Override
  public int compareTo(PackLocation o) {
    int c = Integer.compareUnsigned(packId, o.packId);
    return c != 0 ? c : Long.compare(offset, o.offset);
  }

  @Override
  public String toString() {
    return String.format("%08x@%d", packId, offset);
  }
}
