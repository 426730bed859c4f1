package io.granary.nbd.transport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts the connections a listener refused and logs them so that one client retrying in a
 * loop cannot flood the log: the first refusal is logged at once, later ones at most once per
 * interval, each line saying how many went unlogged since the previous one. The count is
 * exact whatever was logged. Thread-safe.
 */
final class RefusalLog {
  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong refused = new AtomicLong();
  private boolean logged;
  private long lastLogged;
  private long unlogged;

  RefusalLog(Logger log, Duration interval, LongSupplier nanoTime) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Counts one refused connection of {@code client}, and logs it unless one was just logged. */
  void refused(String client, String reason) {
    refused.incrementAndGet();
    String line;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (logged && now - lastLogged < intervalNanos) {
        unlogged++;
        return;
      }
      line =
          "refused NBD connection from "
              + client
              + ": "
              + reason
              + (unlogged == 0
                  ? ""
                  : " (" + unlogged + " more refused since the last such message)");
      logged = true;
      lastLogged = now;
      unlogged = 0;
    }
    log.log(Level.WARNING, line);
  }

  /** Connections refused so far. */
  long count() {
    return refused.get();
  }
}
