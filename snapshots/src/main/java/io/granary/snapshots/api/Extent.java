package io.granary.snapshots.api;

/**
 * A byte range of a volume. In block status, {@code allocated} false means the range reads as
 * zeroes without touching stored data (a hole); in a diff, every extent is a changed range.
 */
public record Extent(long offset, long length, boolean allocated) {
  public long end() {
    return offset + length;
  }
}
