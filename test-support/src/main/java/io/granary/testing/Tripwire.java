package io.granary.testing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes left before a {@link WanLink} cuts its connections ({@link WanLink#cutAfter}),
 * counted over both directions and every connection. Writers take an allowance before each
 * write; the writer whose allowance empties the wire cuts once it has written it, so exactly the
 * armed number of bytes crosses. Disarmed (every write allowed) when below zero.
 */
final class Tripwire {
  /** What a writer may write: {@code bytes} of those asked; {@code last}: it emptied the wire. */
  record Grant(long bytes, boolean last) {}

  private final AtomicLong left = new AtomicLong(-1);

  /** Cuts after {@code bytes} more bytes, replacing any count in progress. */
  void arm(long bytes) {
    left.set(bytes);
  }

  void disarm() {
    left.set(-1);
  }

  /** Takes up to {@code want} bytes of what is left: all of them when disarmed. */
  Grant take(long want) {
    while (true) {
      long l = left.get();
      if (l < 0) {
        return new Grant(want, false);
      }
      long n = Math.min(want, l);
      if (left.compareAndSet(l, l - n)) {
        return new Grant(n, n > 0 && n == l);
      }
    }
  }
}
