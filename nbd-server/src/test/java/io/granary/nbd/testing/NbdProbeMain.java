package io.granary.nbd.testing;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw-socket probes of {@code make bench} ({@code scripts/bench-nbd.sh}), which measure
 * Granary, qemu-nbd and nbdkit alike with {@link RawNbdClient}; each prints one line of numbers.
 */
public final class NbdProbeMain {
  private static final String USAGE =
      """
      usage:
        NbdProbeMain handshake HOST PORT EXPORT N   median and p90 microseconds of connect +
                                                    fixed-newstyle handshake up to NBD_OPT_GO's
                                                    ACK, over N connects
        NbdProbeMain idle HOST PORT EXPORT N PID    opens N connections into transmission, then
                                                    prints the server's thread count and RSS
                                                    (KiB) before and after
      """;

  private NbdProbeMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 5 && args[0].equals("handshake")) {
      handshake(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4]));
    } else if (args.length == 6 && args[0].equals("idle")) {
      idle(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4]), args[5]);
    } else {
      System.err.print(USAGE);
      System.exit(1);
    }
  }

  /** Connects and opens {@code export}: client flags and NBD_OPT_GO in one write, as libnbd. */
  private static RawNbdClient connectGo(String host, int port, String export) throws IOException {
    RawNbdClient c = RawNbdClient.dial(null, new InetSocketAddress(host, port));
    try {
      return c.greeting().flagsAndGo(export);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Prints "MEDIAN P90" in whole microseconds. */
  private static void handshake(String host, int port, String export, int n) throws IOException {
    double[] micros = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      RawNbdClient c = connectGo(host, port, export);
      micros[i] = (System.nanoTime() - t0) / 1e3;
      c.request(0, RawNbdClient.DISC, 0, 0, 0, null);
      c.close();
    }
    Arrays.sort(micros);
    double median = n % 2 == 1 ? micros[n / 2] : (micros[n / 2 - 1] + micros[n / 2]) / 2;
    System.out.println(whole(median) + " " + whole(micros[(int) (n * 0.9)]));
  }

  /** Prints "THREADS_BEFORE THREADS_AFTER RSS_BEFORE RSS_AFTER" of process {@code pid}. */
  private static void idle(String host, int port, String export, int n, String pid)
      throws Exception {
    long[] before = threadsAndRss(pid);
    List<RawNbdClient> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      open.add(connectGo(host, port, export));
    }
    Thread.sleep(1000);
    long[] after = threadsAndRss(pid);
    for (RawNbdClient c : open) {
      c.close();
    }
    System.out.println(before[0] + " " + after[0] + " " + before[1] + " " + after[1]);
  }

  /** The Threads and VmRSS (KiB) lines of /proc/PID/status. */
  private static long[] threadsAndRss(String pid) throws IOException {
    Map<String, String> status = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      int colon = line.indexOf(':');
      status.put(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    return new long[] {
      Long.parseLong(status.get("Threads")), Long.parseLong(status.get("VmRSS").split("\\s+")[0])
    };
  }

  /** {@code v} to the nearest whole number, ties to even, as printf's %.0f rounds. */
  private static String whole(double v) {
    return new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
  }
}
