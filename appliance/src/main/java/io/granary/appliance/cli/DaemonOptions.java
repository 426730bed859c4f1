package io.granary.appliance.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where the daemon is: its data directory (the socket is in it) or the socket itself. Declared
 * once, on {@code granary}, and inherited by every command under it, so that {@code granary
 * --data DIR volume list}, {@code granary volume --data DIR list} and {@code granary volume list
 * --data DIR} all work; picocli stores every occurrence in this one object, so the rightmost wins.
 */
public final class DaemonOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "granaryd's data directory (default: $GRANARY_DATA, if unset ./var; the "
              + "installed launcher sets /var/lib/granary).")
  Path data;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
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
