package io.granary.appliance.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr (journald keeps it): time, level, component, message. Stack
 * traces only for unexpected failures (SEVERE) or with {@code GRANARY_DEBUG=1}.
 */
public final class LogFormat extends Formatter {
  /** Held so that the level set on it stays: the JDK keeps loggers only weakly. */
  private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");

  private final boolean debug = "1".equals(System.getenv("GRANARY_DEBUG"));

  /** Sends every log record of the JVM to stderr in this format. */
  public static void install() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler h = new ConsoleHandler();
    h.setFormatter(new LogFormat());
    h.setLevel(Level.ALL);
    root.addHandler(h);
    root.setLevel(Level.INFO);
    JETTY.setLevel(Level.WARNING);
  }

  @Override
  public String format(LogRecord r) {
    String name = r.getLoggerName() == null ? "" : r.getLoggerName();
    String component = name.substring(name.lastIndexOf('.') + 1);
    StringBuilder sb = new StringBuilder();
    sb.append(Instant.ofEpochMilli(r.getMillis()))
        .append(' ')
        .append(level(r.getLevel()))
        .append(' ')
        .append(component)
        .append(": ")
        .append(formatMessage(r));
    Throwable t = r.getThrown();
    if (t != null) {
      if (debug || r.getLevel().intValue() >= Level.SEVERE.intValue()) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        sb.append(System.lineSeparator()).append(w.toString().stripTrailing());
      } else {
        sb.append(" (").append(t).append(')');
      }
    }
    return sb.append(System.lineSeparator()).toString();
  }

  private static String level(Level l) {
    int v = l.intValue();
    return v >= Level.SEVERE.intValue()
        ? "ERROR"
        : v >= Level.WARNING.intValue() ? "WARN " : v >= Level.INFO.intValue() ? "INFO " : "DEBUG";
  }
}
