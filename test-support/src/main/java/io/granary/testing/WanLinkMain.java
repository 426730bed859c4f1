package io.granary.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link WanLink} as a process of its own, for benchmark scripts (issue 18: the replication
 * section of {@code make bench}):
 *
 * <pre>
 * java -cp test-support/target/classes io.granary.testing.WanLinkMain --to HOST:PORT
 *     --port-file F [--delay-ms MS] [--bandwidth BYTES_PER_S] [--stats-file F]
 * </pre>
 *
 * <p>Listens on a free loopback port and writes it to the port file once it forwards (the file
 * appears whole: written aside, then renamed). On SIGTERM (or any normal end of the JVM) it
 * closes the link, then prints its counters to standard output and, when asked, to the stats
 * file (also renamed into place): {@code to-server BYTES}, {@code to-client BYTES} and {@code
 * connections N}, one a line. A script wanting a cell's bytes starts a link for the cell and
 * stops it after, so the counters are the cell's alone. Exit code 2 for a bad command line.
 */
public final class WanLinkMain {
  static final String USAGE =
      "usage: WanLinkMain --to HOST:PORT --port-file FILE [--delay-ms MS]"
          + " [--bandwidth BYTES_PER_S] [--stats-file FILE]";

  private WanLinkMain() {}

  /** What the command line asks for. */
  record Options(
      String host, int port, Path portFile, Duration delay, long bandwidth, Path statsFile) {

    /** Reads the command line; an {@link IllegalArgumentException} says what is wrong. */
    static Options parse(String... args) {
      String to = null;
      Path portFile = null;
      Path statsFile = null;
      long delayMs = 0;
      long bandwidth = 0;
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--to" -> to = value;
          case "--port-file" -> portFile = Path.of(value);
          case "--stats-file" -> statsFile = Path.of(value);
          case "--delay-ms" -> delayMs = nonNegative(args[i], value);
          case "--bandwidth" -> bandwidth = nonNegative(args[i], value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (to == null || portFile == null) {
        throw new IllegalArgumentException("--to and --port-file are required");
      }
      int colon = to.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--to wants HOST:PORT, not " + to);
      }
      long port = nonNegative("--to", to.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--to: no such port " + port);
      }
      return new Options(
          to.substring(0, colon),
          (int) port,
          portFile,
          Duration.ofMillis(delayMs),
          bandwidth,
          statsFile);
    }

    private static long nonNegative(String option, String value) {
      long n;
      try {
        n = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " wants a number, not " + value);
      }
      if (n < 0) {
        throw new IllegalArgumentException(option + " is negative: " + value);
      }
      return n;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("wan-link: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    WanLink link = start(options);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(link, options), "wan-link shutdown"));
    new CountDownLatch(1).await(); // until SIGTERM: the hook does the rest
  }

  /** Starts the link and writes its port to the port file. */
  static WanLink start(Options o) throws IOException {
    WanLink link =
        WanLink.to(o.host(), o.port()).delayEachWay(o.delay()).bandwidth(o.bandwidth()).start();
    try {
      writeWhole(o.portFile(), link.port() + "\n");
    } catch (IOException e) {
      closeQuietly(link);
      throw e;
    }
    return link;
  }

  /** Closes the link, then prints its counters (and writes them to the stats file, if asked). */
  static void stop(WanLink link, Options o) {
    closeQuietly(link);
    String stats = stats(link);
    System.out.print(stats);
    System.out.flush();
    if (o.statsFile() != null) {
      try {
        writeWhole(o.statsFile(), stats);
      } catch (IOException e) {
        System.err.println("wan-link: cannot write " + o.statsFile() + ": " + e.getMessage());
      }
    }
  }

  /** The counters, one {@code NAME VALUE} a line. */
  static String stats(WanLink link) {
    return "to-server "
        + link.bytesToServer()
        + "\nto-client "
        + link.bytesToClient()
        + "\nconnections "
        + link.connectionsAccepted()
        + "\n";
  }

  private static void closeQuietly(WanLink link) {
    try {
      link.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes beside the file, then renames it into place: a reader never sees part of it. */
  private static void writeWhole(Path file, String text) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(aside, text, StandardCharsets.UTF_8);
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
