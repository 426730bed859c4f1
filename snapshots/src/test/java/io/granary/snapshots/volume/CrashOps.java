package io.granary.snapshots.volume;

import java.nio.ByteBuffer;

/**
 * The operations of a crash round, the same in the writing child and the checking parent:
 * op {@code n} of round {@code r} writes or trims a run of 512-byte sectors. Every written
 * sector carries its round, op and sector number, so any sector read back names the write it
 * came from and can be checked alone.
 */
final class CrashOps {
  static final int SECTOR = 512;
  static final long SIZE = 8L << 20;
  static final long SECTORS = SIZE / SECTOR;

  private CrashOps() {}

  record Op(boolean trim, long firstSector, int sectors) {
    boolean covers(long sector) {
      return sector >= firstSector && sector < firstSector + sectors;
    }
  }

  static Op op(int round, int n) {
    long x = mix(round * 1_000_003L + n);
    int sectors = 1 + (int) Math.floorMod(x >>> 8, 64);
    long first = Math.floorMod(x >>> 20, SECTORS - sectors);
    return new Op(Math.floorMod(x, 11) == 0, first, sectors);
  }

  /** The payload op {@code n} writes. */
  static byte[] payload(int round, int n, Op op) {
    byte[] b = new byte[op.sectors() * SECTOR];
    for (int i = 0; i < op.sectors(); i++) {
      fillSector(b, i * SECTOR, round, n, op.firstSector() + i);
    }
    return b;
  }

  static void fillSector(byte[] b, int at, int round, int n, long sector) {
    ByteBuffer bb = ByteBuffer.wrap(b, at, SECTOR);
    bb.putInt(round).putInt(n).putLong(sector);
    long x = mix(sector * 31 + n * 7 + round);
    while (bb.hasRemaining()) {
      x = mix(x);
      bb.put((byte) x);
    }
  }

  static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }
}
