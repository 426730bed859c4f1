package io.granary.nbd.testing;

import io.granary.nbd.api.NbdServer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Watches a server's open connections every millisecond and keeps the highest count seen. */
public final class ConnectionGauge implements AutoCloseable {
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread sampler;

  public ConnectionGauge(NbdServer server) {
    sampler =
        new Thread(
            () -> {
              while (running.get()) {
                peak.accumulateAndGet(server.connections(), Math::max);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "connection-gauge");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** The most connections open at once so far. */
  public int peak() {
    return peak.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    sampler.join();
  }
}
