package io.granary.nbd.transport;

import io.granary.nbd.protocol.CommandFlag;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;

/**
 * Whether a READ, or a WRITE without FUA, may be served on its connection's event loop instead
 * of an I/O thread.
 *
 * <p>Why: a request handed to an I/O thread costs two thread wake-ups (the I/O thread's, then
 * the event loop's for the reply), and on these paravirtualized machines a wake-up costs more
 * than a read that finds its data in memory. Measured with async-profiler on granaryd under
 * fio randread 4k at QD 1: two thirds of the event loop's CPU went to going to sleep and being
 * woken (scheduler, eventfd, futex), about 60 µs of CPU per request on the loop and as much on
 * the I/O thread, while the read itself takes a few microseconds.
 *
 * <p>Why not always: a read that waits for the disk (a pack page not in the page cache) holds
 * the loop, and every other connection on it, for the disk's latency; and requests of a deep
 * queue run in parallel only on the I/O threads. So a READ is served inline only when it is
 * its connection's only request, with nothing more from the client in the bytes read so far
 * (the client waits for it: QD 1), when it is at most {@link #MAX_BYTES} long, and not while
 * the loop backs off: an inline read slower than {@link #SLOW_NANOS} (it probably waited for
 * the disk) stops inline reads on that loop, for every connection on it, for a while that
 * starts at {@link #MIN_BACKOFF_NANOS} and doubles with every slow one up to {@link
 * #MAX_BACKOFF_NANOS}; a fast one halves it again. A loop thus spends at most about one slow
 * read per backoff period waiting for the disk, however many connections it serves.
 *
 * <p>The threshold is half a millisecond. A random 16 KiB read from this machine's disk takes
 * 43 µs (110 µs at the 99th percentile; fio, psync, O_DIRECT), so reads that wait for such a
 * disk still run inline: they hold the loop about as long as a hand-off costs it. Slower media
 * (a spinning disk, a network store) back off. Below the threshold, inline reads are slow for
 * other reasons only rarely (of 130,000 in a QD 1 run, 95 took over 200 µs and 14 over 1 ms: a
 * collector pause, a compilation, the thread preempted), and each slow one sends the loop's
 * reads to the I/O threads for at least 10 ms.
 *
 * <p>Writes: a WRITE without FUA touches no disk (it changes the dirty blocks in memory and
 * adds an intent), so the same rules admit it, and the volume then writes it only if that needs
 * no waiting at all ({@code Volume.tryWrite}: dirty memory free and under the throttle, the
 * volume's write lock free); otherwise the write goes to an I/O thread as before. Two daemons
 * interleaved (scripts/bench-ab.sh), fio randwrite 4k at QD 1: median 10,800 IOPS handed off,
 * 15,200 inline; with a FLUSH every 32 writes 7,330 and 8,540. A write with FUA syncs: never
 * inline.
 *
 * <p>One instance per event loop thread ({@link #ofThisLoop}), used only by it: no locks. No
 * I/O. Not done: telling in advance whether a read will find its data in memory.
 */
final class InlineRequests {
  static final int MAX_BYTES = 128 << 10;
  static final long SLOW_NANOS = 500_000;
  static final long MIN_BACKOFF_NANOS = 10_000_000;
  static final long MAX_BACKOFF_NANOS = 10_000_000_000L;

  private static final ThreadLocal<InlineRequests> LOOP =
      ThreadLocal.withInitial(InlineRequests::new);

  private long backoff = MIN_BACKOFF_NANOS;
  private long notBefore;
  private boolean backingOff;

  /** This event loop's instance. */
  static InlineRequests ofThisLoop() {
    return LOOP.get();
  }

  /** Whether {@code request}, its connection's only one when {@code alone}, runs inline now. */
  boolean admit(NbdRequest request, boolean alone, long now) {
    return alone
        && (request.command() == NbdCommand.READ
            || (request.command() == NbdCommand.WRITE && !request.has(CommandFlag.FUA)))
        && request.length() <= MAX_BYTES
        && (!backingOff || now - notBefore >= 0);
  }

  /** An inline request ran from {@code start} to {@code end} (System.nanoTime). */
  void served(long start, long end) {
    if (end - start > SLOW_NANOS) {
      if (backingOff) {
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
      }
      backingOff = true;
      notBefore = end + backoff;
    } else {
      backingOff = false;
      backoff = Math.max(MIN_BACKOFF_NANOS, backoff / 2);
    }
  }
}
