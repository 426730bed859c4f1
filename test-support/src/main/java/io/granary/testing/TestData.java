package io.granary.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Deterministic test content: incompressible, text-like compressible, and zeros. */
public final class TestData {
  private static final String[] WORDS =
      ("the volume block chunk pack index store snapshot clone "
              + "write read flush trim zero hole extent journal root tree page map hash codec lz4 zstd "
              + "dedupe pool profile quota nbd fuse export client server request reply offset length "
              + "error retry commit sync crash recover scrub compact sweep mark live dead garbage")
          .split(" ");

  private TestData() {}

  /** {@code len} pseudo-random bytes from {@code seed} (xorshift; fast enough for gigabytes). */
  public static byte[] random(long seed, int len) {
    byte[] out = new byte[len];
    fillRandom(seed, out);
    return out;
  }

  public static void fillRandom(long seed, byte[] out) {
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    long x = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    if (x == 0) {
      x = 1;
    }
    while (b.remaining() >= 8) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.putLong(x);
    }
    while (b.hasRemaining()) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.put((byte) x);
    }
  }

  /** Text-like bytes (words and numbers) that lz4 and zstd compress about 2.5x to 4x. */
  public static byte[] compressible(long seed, int len) {
    StringBuilder sb = new StringBuilder(len + 64);
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    while (sb.length() < len) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      int r = (int) (x >>> 40);
      sb.append(WORDS[Math.floorMod(r, WORDS.length)]);
      sb.append((r & 7) == 0 ? "\n" : " ");
      if ((r & 31) == 3) {
        sb.append(Math.floorMod(x, 100_000)).append(' ');
      }
    }
    byte[] all = sb.toString().getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(all, len);
  }
}
