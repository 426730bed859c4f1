package io.granary.nbd.protocol;

import java.util.Set;

/** Transmission flag bits: what the server tells a client about an export. */
public enum TransmissionFlag {
  HAS_FLAGS(0),
  READ_ONLY(1),
  SEND_FLUSH(2),
  SEND_FUA(3),
  ROTATIONAL(4),
  SEND_TRIM(5),
  SEND_WRITE_ZEROES(6),
  SEND_DF(7),
  CAN_MULTI_CONN(8),
  SEND_RESIZE(9),
  SEND_CACHE(10),
  SEND_FAST_ZERO(11);

  private final int mask;

  TransmissionFlag(int bit) {
    this.mask = 1 << bit;
  }

  public int mask() {
    return mask;
  }

  /** The 16-bit field for a set of flags. */
  public static int encode(Set<TransmissionFlag> flags) {
    int v = 0;
    for (TransmissionFlag f : flags) {
      v |= f.mask;
    }
    return v;
  }
}
