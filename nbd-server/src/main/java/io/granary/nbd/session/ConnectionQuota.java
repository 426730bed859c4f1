package io.granary.nbd.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener's open connections, counted in all and per client: a new one is admitted only
 * below both limits, and each admitted one is released exactly once when it closes. A client
 * whose last connection closes leaves no entry behind, so clients that come and go cost
 * nothing. Thread-safe: every event loop admits and releases.
 */
public final class ConnectionQuota {
  /** Whether a connection may open, or which limit it is over. */
  public enum Admission {
    ADMITTED,
    OVER_TOTAL,
    OVER_CLIENT
  }

  private final int maxTotal;
  private final int maxPerClient;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

  public ConnectionQuota(int maxTotal, int maxPerClient) {
    this.maxTotal = maxTotal;
    this.maxPerClient = maxPerClient;
  }

  /** Counts a new connection of {@code client} if both limits allow it. */
  public Admission admit(String client) {
    int n;
    do {
      n = total.get();
      if (n >= maxTotal) {
        return Admission.OVER_TOTAL;
      }
    } while (!total.compareAndSet(n, n + 1));
    boolean[] admitted = {false};
    perClient.compute(
        client,
        (k, open) -> {
          int count = open == null ? 0 : open;
          if (count >= maxPerClient) {
            return open;
          }
          admitted[0] = true;
          return count + 1;
        });
    if (!admitted[0]) {
      total.decrementAndGet();
      return Admission.OVER_CLIENT;
    }
    return Admission.ADMITTED;
  }

  /** Uncounts a connection {@link #admit} admitted, once it has closed. */
  public void release(String client) {
    perClient.computeIfPresent(client, (k, open) -> open == 1 ? null : open - 1);
    total.decrementAndGet();
  }

  /** Connections open in all. */
  public int open() {
    return total.get();
  }

  /** Connections {@code client} has open. */
  public int open(String client) {
    return perClient.getOrDefault(client, 0);
  }

  /** Clients with a connection open. */
  public int clients() {
    return perClient.size();
  }

  public int maxTotal() {
    return maxTotal;
  }

  public int maxPerClient() {
    return maxPerClient;
  }
}
