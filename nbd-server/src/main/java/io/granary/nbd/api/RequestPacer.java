package io.granary.nbd.api;

/**
 * Paces one export's requests (QoS): how long each must wait before it runs. Implementations
 * are thread-safe and never block: they are asked on the event loop that reads the request,
 * which serves many connections and must never wait.
 *
 * <p>The server holds a paced request back, still counted against its connection's in-flight
 * budget, and dispatches it to an I/O thread once its delay is over; no thread waits for it
 * meanwhile, so a throttled export does not slow its neighbours. READ and WRITE are asked
 * with their length; TRIM and WRITE_ZEROES as one write of 0 bytes (they move no data but
 * are still operations); FLUSH, BLOCK_STATUS and CACHE are never paced.
 */
public interface RequestPacer {
  /** Runs every request at once. */
  RequestPacer NONE = (write, bytes) -> 0;

  /**
   * Takes this request's share of the export's budget now; returns the nanoseconds it must
   * wait before running (0, or less: run at once). A pacer that throws is logged and treated
   * as 0.
   */
  long delayNanos(boolean write, long bytes);
}
