package io.granary.nbd.api;

/**
 * A run of bytes with the same flags in one metadata context: for {@code
 * qemu:dirty-bitmap:NAME} bit 0 is dirty, for {@code qemu:allocation-depth} the whole value is
 * the depth.
 */
public record StatusRun(long offset, long length, int flags) {
  public StatusRun {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("run " + offset + "+" + length);
    }
  }

  public long end() {
    return offset + length;
  }
}
