package io.granary.nbd.transport;

import io.granary.nbd.api.RequestPacer;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Holds one connection's requests back for as long as its export's pacer says, without a
 * thread: a delayed request is a task scheduled on the connection's event loop, which then
 * dispatches it just as an undelayed one is dispatched at once. A thread of the shared I/O
 * pool parked on a throttled export would starve every other export. Confined to the event
 * loop.
 *
 * <p>What the pacer is asked: READ and WRITE with their length, TRIM and WRITE_ZEROES as one
 * write of no bytes (an operation that moves no data); FLUSH, BLOCK_STATUS, CACHE and unknown
 * types are never paced: they move no data, and a FLUSH need only cover writes already
 * answered (NBD spec, NBD_CMD_FLUSH), so one may overtake the held writes sent before it.
 *
 * <p>Requests still held when the connection closes are dropped, not run: nobody is left to
 * read their replies, and a WRITE that was never answered may or may not have happened (NBD
 * spec, "Transmission phase"). Deliberately no ordering: a held request may be overtaken by
 * a later one that need not wait, which NBD allows (replies carry cookies).
 */
final class PacingGate {
  private static final Logger LOG = Logger.getLogger(PacingGate.class.getName());

  private final RequestPacer pacer;
  private final EventExecutor loop;
  private final String export;
  private final Set<Held> held = new HashSet<>();
  private boolean pacerFailed;

  PacingGate(RequestPacer pacer, EventExecutor loop, String export) {
    this.pacer = pacer;
    this.loop = loop;
    this.export = export;
  }

  /**
   * Runs {@code dispatch} now if the pacer lets the request go at once, else on the event loop
   * once its delay is over; runs {@code dropped} instead if the connection closes first.
   *
   * @throws RejectedExecutionException if the event loop is shutting down (neither ran)
   */
  void admit(NbdRequest request, Runnable dispatch, Runnable dropped) {
    long delay = delayNanos(request);
    if (delay <= 0) {
      dispatch.run();
      return;
    }
    Held h = new Held(dispatch, dropped);
    h.timer = loop.schedule(h, delay, TimeUnit.NANOSECONDS);
    held.add(h);
  }

  /** Drops every held request: called once the connection is closed. */
  void dropAll() {
    List<Held> all = new ArrayList<>(held);
    held.clear();
    for (Held h : all) {
      h.timer.cancel(false);
      h.dropped.run();
    }
  }

  /** The pacer's delay for this request, 0 for one that is not paced or a pacer that failed. */
  private long delayNanos(NbdRequest request) {
    try {
      return delayNanos(pacer, request);
    } catch (RuntimeException e) {
      // A broken pacer must not lose requests: they run unpaced. Logged loudly once per
      // connection, so that a pacer failing at every request does not flood the log.
      Level level = pacerFailed ? Level.FINE : Level.WARNING;
      pacerFailed = true;
      LOG.log(level, "pacer of " + export + " failed; running the request unpaced", e);
      return 0;
    }
  }

  /** Asks {@code pacer} for {@code request}'s delay, or answers 0 for a request not paced. */
  static long delayNanos(RequestPacer pacer, NbdRequest request) {
    NbdCommand command = request.command();
    if (command == null) {
      return 0;
    }
    return switch (command) {
      case READ -> pacer.delayNanos(false, request.length());
      case WRITE -> pacer.delayNanos(true, request.length());
      case TRIM, WRITE_ZEROES -> pacer.delayNanos(true, 0);
      default -> 0;
    };
  }

  /** One request waiting for its delay; runs it unless it was dropped meanwhile. */
  private final class Held implements Runnable {
    private final Runnable dispatch;
    private final Runnable dropped;
    private Future<?> timer;

    Held(Runnable dispatch, Runnable dropped) {
      this.dispatch = dispatch;
      this.dropped = dropped;
    }

    @Override
    public void run() {
      if (held.remove(this)) {
        dispatch.run();
      }
    }
  }
}
