package io.granary.appliance.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A synthetic virtual disk, block by block: zero (never-written) blocks, text-like blocks
 * (logs, configuration), random blocks (already compressed files) and blocks that repeat an
 * earlier one (the same file twice). Deterministic: block {@code i} is always the same.
 */
final class DemoImage {
  private static final String[] WORDS = ("kernel systemd journal started stopped service unit "
      + "network eth0 address lease renew disk sda1 mounted ext4 errors=remount-ro user root "
      + "session opened closed cron job backup completed warning failed retry timeout config "
      + "value enabled disabled package install upgrade libc6 python3 openssl").split(" ");

  private final int blockSize;

  DemoImage(int blockSize) {
    this.blockSize = blockSize;
  }

  /** What block {@code i} holds: 40 % zeros, 30 % text, 20 % random, 10 % repeats. */
  static String kindOf(long i) {
    int r = (int) Math.floorMod(mix(i), 10);
    return r < 4 ? "zero" : r < 7 ? "text" : r < 9 ? "random" : "repeat";
  }

  void fill(long i, byte[] block) {
    switch (kindOf(i)) {
      case "zero":
        java.util.Arrays.fill(block, (byte) 0);
        break;
      case "text":
        text(mix(i), block);
        break;
      case "random":
        random(mix(i), block);
        break;
      default:
        fill(Math.floorMod(mix(i ^ 0x5555), Math.max(1, i)), block); // an earlier block again
    }
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  private static void random(long seed, byte[] out) {
    ByteBuffer b = ByteBuffer.wrap(out);
    long x = seed | 1;
    while (b.remaining() >= 8) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.putLong(x);
    }
  }

  private void text(long seed, byte[] out) {
    StringBuilder sb = new StringBuilder(blockSize + 80);
    long x = seed | 1;
    int line = 0;
    while (sb.length() < blockSize) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      sb.append("Nov 24 10:").append(10 + (line % 50)).append(':').append(10 + (line * 7 % 50))
          .append(" host ").append(WORDS[(int) Math.floorMod(x, WORDS.length)]).append('[')
          .append(Math.floorMod(x >>> 20, 9000) + 1000).append("]: ");
      for (int w = 0; w < 6; w++) {
        sb.append(WORDS[(int) Math.floorMod(x >>> (w * 6), WORDS.length)]).append(' ');
      }
      sb.append('\n');
      line++;
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, out, 0, blockSize);
  }
}
