package io.granary.appliance.torture;

import io.granary.nbd.testing.RawNbdClient;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One NBD connection writing patterned data into its own region of the volume until the daemon
 * dies: plain writes, FUA writes, WRITE_ZEROES and FLUSH, one request at a time, each recorded
 * in the {@link SectorLedger} before it is sent and again when it is answered.
 */
final class TortureWriter implements Runnable {
  private static final int MAX_SECTORS = 16;

  private final int port;
  private final String export;
  private final SectorLedger ledger;
  private final int first;
  private final int count;
  private final AtomicLong ids;
  private final SplittableRandom random;
  private volatile boolean stopped;
  private volatile String failure;
  private long writes;
  private long flushes;
  private long bytesAcked;

  TortureWriter(
      int port,
      String export,
      SectorLedger ledger,
      int first,
      int count,
      AtomicLong ids,
      long seed) {
    this.port = port;
    this.export = export;
    this.ledger = ledger;
    this.first = first;
    this.count = count;
    this.ids = ids;
    this.random = new SplittableRandom(seed);
  }

  /** Ends the loop after the request in flight (the daemon is gone, or the cycle ends). */
  void stop() {
    stopped = true;
  }

  /** A server answer that was wrong while the daemon was alive, or null. */
  String failure() {
    return failure;
  }

  long writes() {
    return writes;
  }

  long flushes() {
    return flushes;
  }

  long bytesAcked() {
    return bytesAcked;
  }

  @Override
  public void run() {
    try (RawNbdClient nbd = RawNbdClient.open(port, export, false)) {
      for (long cookie = 1; !stopped; cookie++) {
        int op = random.nextInt(100);
        if (op < 12) {
          flush(nbd, cookie);
        } else if (op < 17) {
          zero(nbd, cookie);
        } else {
          write(nbd, cookie, op < 30);
        }
      }
    } catch (IOException e) {
      // The daemon was killed under us: whatever was in flight is simply unacknowledged.
    }
  }

  private void write(RawNbdClient nbd, long cookie, boolean fua) throws IOException {
    int n = 1 + random.nextInt(MAX_SECTORS);
    int from = first + random.nextInt(count - n + 1);
    long id = ids.incrementAndGet();
    byte[] data = new byte[n * SectorPattern.SECTOR];
    for (int i = 0; i < n; i++) {
      SectorPattern.fill(id, from + i, data, i * SectorPattern.SECTOR);
    }
    ledger.sent(from, n, id);
    nbd.request(
        fua ? RawNbdClient.FLAG_FUA : 0,
        RawNbdClient.WRITE,
        cookie,
        (long) from * SectorPattern.SECTOR,
        data.length,
        data);
    if (answered(nbd, cookie, "WRITE")) {
      ledger.acked(from, n);
      if (fua) {
        ledger.durable(from, n);
      }
      writes++;
      bytesAcked += data.length;
    }
  }

  private void zero(RawNbdClient nbd, long cookie) throws IOException {
    int n = 1 + random.nextInt(MAX_SECTORS);
    int from = first + random.nextInt(count - n + 1);
    ledger.sent(from, n, 0);
    nbd.request(
        0,
        RawNbdClient.WRITE_ZEROES,
        cookie,
        (long) from * SectorPattern.SECTOR,
        (long) n * SectorPattern.SECTOR,
        null);
    if (answered(nbd, cookie, "WRITE_ZEROES")) {
      ledger.acked(from, n);
    }
  }

  private void flush(RawNbdClient nbd, long cookie) throws IOException {
    nbd.request(0, RawNbdClient.FLUSH, cookie, 0, 0, null);
    if (answered(nbd, cookie, "FLUSH")) {
      ledger.durable(first, count);
      flushes++;
    }
  }

  /** Whether the request succeeded; an error reply is a failure, and ends this writer. */
  private boolean answered(RawNbdClient nbd, long cookie, String what) throws IOException {
    int error = nbd.checkedSimple(cookie).error();
    if (error != 0) {
      failure = what + " answered error " + error;
      stopped = true;
    }
    return error == 0;
  }
}
