package io.granary.appliance.daemon;

import java.util.logging.LogManager;

/**
 * The JDK's log manager without its shutdown reset: the JDK closes every handler in a shutdown
 * hook of its own, racing granaryd's, and the lines of a clean stop ("flushing every volume",
 * "stopped cleanly") would be lost. Installed by {@link Granaryd#main} before any logging.
 */
public final class DaemonLogManager extends LogManager {
  @Override
  public void reset() {
    // Handlers stay until the JVM exits; there is nothing to release before that.
  }
}
