package io.granary.nbd.transport;

import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdRequest;
import java.util.ArrayDeque;

/**
 * One connection's flow control between its socket and the volume. Requests read from the
 * socket wait here in arrival order until fewer than {@code maxRequests} are in flight
 * (started and not yet answered: held by the pacer, running, or with their reply being
 * written) and the bytes in flight leave room for theirs (a READ's buffer is only allocated
 * when it starts, so a burst of large reads read at once must not all start); the oldest
 * always starts when nothing is in flight. Their bytes count against reading from the moment
 * they are read. Reading stops once either bound
 * is reached and resumes only when both are back to half and nothing waits, so that a client
 * at a bound does not switch the socket's read interest at every reply.
 *
 * <p>No request is ever refused or dropped: the bounds hold the client back through TCP. What
 * waits here is what the socket read in progress brought in past the bound (Netty stops
 * reading after it), a few hundred small requests or one large write at most. Confined to the
 * connection's event loop; no I/O.
 */
final class InFlightWindow {
  /** Counted per request besides its data, so floods of tiny requests are bounded too. */
  static final long REQUEST_OVERHEAD = 4096;

  private final int maxRequests;
  private final long maxBytes;
  private final ArrayDeque<Frame.Request> waiting = new ArrayDeque<>();
  private int requests;
  private long bytes;
  private long startedBytes;
  private boolean paused;

  InFlightWindow(int maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** A request just read from the socket: it waits for {@link #next}. */
  void add(Frame.Request frame) {
    bytes += cost(frame.request());
    waiting.add(frame);
  }

  /** The oldest waiting request if it may start now, in flight from here on; else null. */
  Frame.Request next() {
    if (requests >= maxRequests || waiting.isEmpty()) {
      return null;
    }
    long cost = cost(waiting.peek().request());
    if (requests > 0 && startedBytes + cost > maxBytes) {
      return null;
    }
    requests++;
    startedBytes += cost;
    return waiting.poll();
  }

  /** A started request is answered (or dropped with its connection): its share comes back. */
  void done(NbdRequest request) {
    requests--;
    bytes -= cost(request);
    startedBytes -= cost(request);
  }

  /** Forgets the waiting requests: the connection is closed, nobody is left to answer. */
  void clear() {
    for (Frame.Request f : waiting) {
      bytes -= cost(f.request());
    }
    waiting.clear();
  }

  /** Whether to read from the socket now; updates the pause with its hysteresis. */
  boolean readable() {
    if (!paused && (requests >= maxRequests || bytes > maxBytes)) {
      paused = true;
    } else if (paused
        && waiting.isEmpty()
        && requests <= maxRequests / 2
        && bytes <= maxBytes / 2) {
      paused = false;
    }
    return !paused;
  }

  /** Started requests not yet answered. */
  int inFlight() {
    return requests;
  }

  /** Exactly one request in flight and nothing waiting: a client at queue depth one. */
  boolean alone() {
    return requests == 1 && waiting.isEmpty();
  }

  /** Nothing waits and nothing is in flight. */
  boolean idle() {
    return requests == 0 && waiting.isEmpty();
  }

  /** The bytes {@code request} counts for: its data (one payload at most) and the overhead. */
  static long cost(NbdRequest request) {
    long data =
        request.type() == NbdCommand.READ.code() || request.hasPayload()
            ? Math.min(request.length(), 32L << 20)
            : 0;
    return REQUEST_OVERHEAD + data;
  }
}
