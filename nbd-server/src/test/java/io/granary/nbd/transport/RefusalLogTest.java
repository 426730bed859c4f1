package io.granary.nbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A refused client in a loop: every refusal counted, a line per interval at most. */
class RefusalLogTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theFirstRefusalIsLoggedAtOnceThenOneLinePerIntervalWithWhatWentUnlogged() {
    Logger logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    List<String> lines = new ArrayList<>();
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    AtomicLong clock = new AtomicLong(1000 * SECOND);
    RefusalLog log = new RefusalLog(logger, Duration.ofSeconds(10), clock::get);

    log.refused("10.0.0.5", "too many");
    for (int i = 0; i < 500; i++) {
      clock.addAndGet(SECOND / 100);
      log.refused("10.0.0.5", "too many");
    }
    assertEquals(List.of("refused NBD connection from 10.0.0.5: too many"), lines);
    clock.addAndGet(5 * SECOND);
    log.refused("10.0.0.6", "full");
    assertEquals(
        "refused NBD connection from 10.0.0.6: full (500 more refused since the last"
            + " such message)",
        lines.get(1));
    clock.addAndGet(11 * SECOND);
    log.refused("10.0.0.6", "full");
    assertEquals("refused NBD connection from 10.0.0.6: full", lines.get(2));
    assertEquals(3, lines.size());
    assertEquals(503, log.count());
  }
}
