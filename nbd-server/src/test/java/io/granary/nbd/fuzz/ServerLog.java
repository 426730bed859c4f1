package io.granary.nbd.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches the server's log while a fuzz test runs. The server catches what goes wrong in a
 * connection and logs it before answering or closing, so an exception it did not expect shows
 * up here as a WARNING (or worse) with a stack trace; expected failures (a protocol violation,
 * a refused request) are logged without one. Nothing reaches the console meanwhile: millions of
 * inputs would flood it.
 */
final class ServerLog extends Handler {
  private final List<Logger> watched =
      List.of(Logger.getLogger("io.granary.nbd"), Logger.getLogger("io.netty"));
  private final List<Level> levels = new ArrayList<>();
  private final List<LogRecord> unexpected = new ArrayList<>();

  /** Starts watching; {@link #close} gives the loggers back as they were. */
  static ServerLog watch() {
    ServerLog log = new ServerLog();
    for (Logger l : log.watched) {
      log.levels.add(l.getLevel());
      l.setUseParentHandlers(false);
      l.setLevel(Level.WARNING);
      l.addHandler(log);
    }
    return log;
  }

  private ServerLog() {}

  @Override
  public synchronized void publish(LogRecord r) {
    if (r.getThrown() != null && r.getLevel().intValue() >= Level.WARNING.intValue()) {
      unexpected.add(r);
    }
  }

  /** Forgets what earlier inputs logged. */
  synchronized void reset() {
    unexpected.clear();
  }

  /** Fails with the first unexpected exception the server logged since {@link #reset}. */
  synchronized void assertNoUnexpectedException() {
    if (!unexpected.isEmpty()) {
      LogRecord r = unexpected.get(0);
      throw new AssertionError("the server logged: " + r.getMessage(), r.getThrown());
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    for (int i = 0; i < watched.size(); i++) {
      Logger l = watched.get(i);
      l.removeHandler(this);
      l.setLevel(levels.get(i));
      l.setUseParentHandlers(true);
    }
  }
}
