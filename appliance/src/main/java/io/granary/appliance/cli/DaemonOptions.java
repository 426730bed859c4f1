package io.granary.appliance.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the daemon is: its data directory (the socket is in it) or the socket itself. */
public final class DaemonOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "granaryd's data directory (default: $GRANARY_DATA, else ./var; the "
          + "installed launcher sets /var/lib/granary).")
  Path data;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "The admin socket (default: DATA/admin.sock).")
  Path socket;

  Path socket() {
    if (socket != null) {
      return socket;
    }
    Path d = data;
    if (d == null) {
      String env = System.getenv("GRANARY_DATA");
      d = Path.of(env != null && !env.isEmpty() ? env : "var");
    }
    return d.resolve("admin.sock").toAbsolutePath();
  }
}
