package io.granary.appliance.torture;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The contents a torture writer puts in one 4 KiB sector: the write's id and the sector's
 * number in a header, then bytes derived from both, so a read-back names the write it came
 * from and any torn or misplaced sector fails to decode. Odd ids are incompressible, even ids
 * compress well, so both of the store's paths are tortured.
 */
final class SectorPattern {
  static final int SECTOR = 4096;

  /** What {@link #decode} returns for a sector that no write of this run could have produced. */
  static final long FOREIGN = -1;

  private static final int MAGIC = 0x47525458; // "GRTX"
  private static final int HEADER = 16;

  private SectorPattern() {}

  /** Writes the pattern of write {@code value} for {@code sector} into {@code out} at {@code at}. */
  static void fill(long value, long sector, byte[] out, int at) {
    ByteBuffer.wrap(out, at, HEADER).putLong(value).putInt((int) sector).putInt(MAGIC);
    SplittableRandom r = new SplittableRandom(value * 0x9E3779B97F4A7C15L ^ sector);
    if ((value & 1) == 1) {
      for (int i = at + HEADER; i < at + SECTOR; i += 8) {
        ByteBuffer.wrap(out, i, 8).putLong(r.nextLong());
      }
    } else {
      byte[] motif = new byte[64];
      r.nextBytes(motif);
      for (int i = at + HEADER; i < at + SECTOR; i++) {
        out[i] = motif[(i - at) & 63];
      }
    }
  }

  /** The write id the sector at {@code at} holds, 0 for zeroes, {@link #FOREIGN} otherwise. */
  static long decode(byte[] in, int at, long sector) {
    ByteBuffer header = ByteBuffer.wrap(in, at, HEADER);
    long value = header.getLong();
    if (value == 0 && header.getInt() == 0 && header.getInt() == 0) {
      for (int i = at; i < at + SECTOR; i++) {
        if (in[i] != 0) {
          return FOREIGN;
        }
      }
      return 0;
    }
    if (value <= 0) {
      return FOREIGN;
    }
    byte[] expected = new byte[SECTOR];
    fill(value, sector, expected, 0);
    for (int i = 0; i < SECTOR; i++) {
      if (in[at + i] != expected[i]) {
        return FOREIGN;
      }
    }
    return value;
  }
}
