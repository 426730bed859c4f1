package io.granary.nbd.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Arrays for large WRITE payloads, kept for reuse. A fresh 1 MiB array is a humongous G1
 * allocation: zeroed and faulted in page by page, and async-profiler put that at 5 % of the
 * server's CPU under 1 MiB writes (more than the copy into it). A volume copies a write's
 * bytes before it returns ({@code Volume.write}), so the array is free again once the request
 * is served.
 *
 * <p>Arrays come in powers of two from {@link #MIN} up, at most {@link #KEPT_BYTES} kept per
 * size; a request for less than {@link #MIN} gets a fresh exact array (the TLAB makes those
 * cheap). An array never given back is only garbage: nothing leaks. Thread-safe, lock-free:
 * the event loop takes, I/O threads give back.
 *
 * <p>Not done here: knowing which length is meant; callers use the request's length, never
 * the array's.
 */
final class PayloadArrays {
  static final int MIN = 64 << 10;
  static final long KEPT_BYTES = 64L << 20;

  private static final int CLASSES = 32 - Integer.numberOfLeadingZeros(Integer.MAX_VALUE);

  private final ConcurrentLinkedQueue<byte[]>[] free;
  private final AtomicInteger[] kept;

  @SuppressWarnings("unchecked")
  PayloadArrays() {
    free = new ConcurrentLinkedQueue[CLASSES];
    kept = new AtomicInteger[CLASSES];
    for (int i = 0; i < CLASSES; i++) {
      free[i] = new ConcurrentLinkedQueue<>();
      kept[i] = new AtomicInteger();
    }
  }

  /** An array of at least {@code length} bytes, with any content. */
  byte[] take(int length) {
    if (length < MIN) {
      return new byte[length];
    }
    int c = sizeClass(length);
    byte[] a = free[c].poll();
    if (a == null) {
      return new byte[1 << c];
    }
    kept[c].decrementAndGet();
    return a;
  }

  /** Gives back an array from {@link #take}; small or surplus ones are left to the GC. */
  void giveBack(byte[] a) {
    if (a == null || a.length < MIN || Integer.bitCount(a.length) != 1) {
      return;
    }
    int c = sizeClass(a.length);
    long max = Math.max(1, KEPT_BYTES / a.length);
    if (kept[c].incrementAndGet() <= max) {
      free[c].offer(a);
    } else {
      kept[c].decrementAndGet();
    }
  }

  /** Arrays kept for reuse now, of every size. */
  int kept() {
    int n = 0;
    for (AtomicInteger k : kept) {
      n += k.get();
    }
    return n;
  }

  /** The power of two of the smallest array that holds {@code length} bytes. */
  private static int sizeClass(int length) {
    return 32 - Integer.numberOfLeadingZeros(length - 1);
  }
}
