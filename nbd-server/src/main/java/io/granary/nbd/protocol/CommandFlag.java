package io.granary.nbd.protocol;

/** Command flag bits (16 bits of every request). */
public enum CommandFlag {
  FUA(0),
  NO_HOLE(1),
  DF(2),
  REQ_ONE(3),
  FAST_ZERO(4),
  PAYLOAD_LEN(5);

  private final int mask;

  CommandFlag(int bit) {
    this.mask = 1 << bit;
  }

  public int mask() {
    return mask;
  }

  public boolean in(int flags) {
    return (flags & mask) != 0;
  }
}
