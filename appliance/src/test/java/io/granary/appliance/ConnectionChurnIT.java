package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.testing.NbdWire;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real granaryd under NBD connection churn (issue 9): 1,000 connections opened and dropped
 * in every way a client can drop one, handshakes that stall until the server's timeout, a
 * client past its connection limit refused while its neighbours work, and qemu-io served
 * throughout. Afterwards the daemon's file descriptors and threads, read from /proc, are back
 * where they were. Loopback aliases (127.0.x.y) stand for distinct client hosts.
 */
class ConnectionChurnIT {
  private static final int CONNECTIONS = 1000;
  private static final int CHURN_THREADS = 8;

  /** Distinct source addresses for the churn: at most four connections each, under the limit. */
  private static final int CHURN_ADDRESSES = 250;

  private static final int PER_CLIENT = 8;
  private static final int IO_THREADS = 8;
  private static final long TIMEOUT_MILLIS = 2000;
  private static final String VOL = "default/churn";
  private static final InetAddress GREEDY = address(127, 0, 0, 9);
  private static final InetAddress NEIGHBOUR = address(127, 0, 0, 10);
  private static final int GREEDY_ATTEMPTS = 20;
  private static final int FILE_TOLERANCE = 2;

  /** Threads the JVM starts (UseDynamicNumberOf*Threads) and stops as it sees fit. */
  private static final List<String> ON_DEMAND_POOLS =
      List.of(
          "GC Thread#",
          "G1 Conc#",
          "G1 Refine#",
          "C1 CompilerThre",
          "C2 CompilerThre",
          "granary-flush-w"); // the flushes' fork-join workers, also made and retired on demand

  /** How a churn connection ends. */
  enum Drop {
    /** Connects and closes without reading the greeting. */
    AT_ONCE,
    /** Sends the flags and part of an option, then closes. */
    MID_OPTION,
    /** Opens the export with NBD_OPT_GO, then closes. */
    AFTER_GO,
    /** Sends a WRITE header and part of its payload, then closes. */
    MID_WRITE,
    /** Asks for a 1 MiB READ and closes without reading the reply. */
    UNREAD_REPLY,
    /** Sends a READ and resets the connection (SO_LINGER 0). */
    RESET,
    /** Sends NBD_CMD_DISC and waits for the server to close. */
    DISC
  }

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void aThousandDroppedConnectionsLeaveNoDescriptorsOrThreadsBehind() throws Exception {
    ExternalTool.require("qemu-io", "nbdinfo");
    Requirements.require(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
    Cli cli = start();
    cli.ok("volume", "create", VOL, "--size", "64M");
    qemuIo("write -P 0x5a 0 1M");
    long pid = daemon.pid();
    warmUp();
    Usage baseline = settled(pid, null);
    long start = System.nanoTime();

    AtomicBoolean churning = new AtomicBoolean(true);
    ExecutorService side = Executors.newFixedThreadPool(6);
    List<Future<Long>> stalls =
        List.of(
            side.submit(() -> stall(address(127, 0, 0, 20), 0)),
            side.submit(() -> stall(address(127, 0, 0, 21), 1)),
            side.submit(() -> stall(address(127, 0, 0, 22), 2)));
    Future<int[]> greedy = side.submit(this::greedyClient);
    Future<Integer> qemu =
        side.submit(
            () -> {
              int runs = 0;
              while (churning.get() || runs == 0) {
                qemuIo("-r", "read -P 0x5a 0 1M");
                runs++;
              }
              return runs;
            });

    AtomicIntegerArray dropped = new AtomicIntegerArray(Drop.values().length);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService churn = Executors.newFixedThreadPool(CHURN_THREADS);
    for (int i = 0; i < CONNECTIONS; i++) {
      int n = i;
      churn.execute(
          () -> {
            Drop how = Drop.values()[n % Drop.values().length];
            try {
              drop(n, how);
              dropped.incrementAndGet(how.ordinal());
            } catch (Exception | AssertionError e) {
              failures.add("connection " + n + " (" + how + "): " + e);
            }
          });
    }
    churn.shutdown();
    assertTrue(churn.awaitTermination(5, TimeUnit.MINUTES), "churn did not finish");
    double churnSeconds = (System.nanoTime() - start) / 1e9;
    int[] refusals = greedy.get(2, TimeUnit.MINUTES);
    List<Long> stallMillis = new ArrayList<>();
    for (Future<Long> f : stalls) {
      stallMillis.add(f.get(1, TimeUnit.MINUTES));
    }
    churning.set(false);
    int qemuRuns = qemu.get(2, TimeUnit.MINUTES);
    side.shutdown();
    assertEquals(List.of(), List.copyOf(failures), "churn connections that did not go as planned");

    // Served after the churn as before it: a write and its read-back, and nbdinfo.
    qemuIo("write -P 0x6b 1M 1M", "read -P 0x6b 1M 1M", "read -P 0x5a 0 1M");
    String info = ExternalTool.run(60, "nbdinfo", "--json", uri()).ok().stdout();
    assertTrue(info.contains("\"export-size\": 67108864"), info);

    Usage after = settled(pid, baseline);
    double seconds = (System.nanoTime() - start) / 1e9;
    int made = CONNECTIONS + stallMillis.size() + refusals[0] + refusals[1] + 1 + qemuRuns + 2;
    System.out.printf("connection churn against granaryd (pid %d):%n", pid);
    System.out.printf(
        "  %d churn connections in %.1f s by %d threads from %d addresses: %s%n",
        CONNECTIONS, churnSeconds, CHURN_THREADS, CHURN_ADDRESSES, byDrop(dropped));
    System.out.printf(
        "  stalled handshakes closed after %s ms (handshake-timeout %d ms)%n",
        stallMillis, TIMEOUT_MILLIS);
    System.out.printf(
        "  client past its limit of %d: %d connections refused before the greeting,"
            + " slowest refusal %d ms; %d admitted meanwhile%n",
        PER_CLIENT, refusals[0], refusals[2], refusals[1]);
    System.out.printf("  qemu-io runs served meanwhile, each a connection: %d%n", qemuRuns);
    System.out.printf("  connections made in all: %d in %.1f s%n", made, seconds);
    System.out.printf(
        "  fds:     baseline %d, after %d  %s -> %s%n",
        baseline.fdCount(), after.fdCount(), baseline.fds(), after.fds());
    System.out.printf(
        "  threads: baseline %d, after %d  %s -> %s%n",
        baseline.threadCount(), after.threadCount(), baseline.threads(), after.threads());

    for (long ms : stallMillis) {
      assertTrue(
          ms >= TIMEOUT_MILLIS && ms < TIMEOUT_MILLIS + 1500,
          "a stalled handshake closed after " + ms + " ms, timeout " + TIMEOUT_MILLIS);
    }
    assertTrue(qemuRuns >= 1);
    // Sockets, epoll and event descriptors, pipes: exactly as before. Regular files may differ
    // by FILE_TOLERANCE: the write after the churn may make the store roll to a new pack or
    // journal file; no connection opens a file of its own.
    assertEquals(baseline.fdsBut("file"), after.fdsBut("file"), "descriptors other than files");
    int files = after.fds().getOrDefault("file", 0) - baseline.fds().getOrDefault("file", 0);
    assertTrue(Math.abs(files) <= FILE_TOLERANCE, files + " regular files more than before");
    // Every thread by name exactly as before, but the JVM's own pools of GC and JIT threads,
    // which it grows as load needs and shrinks when it likes, and the flushes' fork-join pool.
    assertEquals(baseline.threadsButJvm(), after.threadsButJvm(), "threads");

    try (AdminSocket admin = new AdminSocket(tmp.resolve("data/admin.sock"))) {
      AdminSocket.Answer a = admin.get("/metrics");
      PromText m = new PromText(a.body());
      assertEquals(refusals[0], m.value("granary_nbd_connections_refused_total"));
      assertEquals(0, m.value("granary_nbd_connections"));
    }
    long logged =
        daemon
            .log()
            .lines()
            .filter(l -> l.contains("refused NBD connection from 127.0.0.9"))
            .count();
    assertTrue(
        logged >= 1 && logged <= 1 + (long) seconds / 10,
        logged + " log lines for " + refusals[0] + " refusals");
  }

  private Cli start() throws Exception {
    port = FreePort.pick();
    Path config = tmp.resolve("granary.conf");
    Files.writeString(
        config,
        """
        [nbd]
        handshake-timeout = "%dms"
        max-connections-per-client = %d
        io-threads = %d
        """
            .formatted(TIMEOUT_MILLIS, PER_CLIENT, IO_THREADS));
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--config", config.toString(), "--nbd-listen", "127.0.0.1:" + port);
    return new Cli(tmp.resolve("data"));
  }

  private String uri() {
    return "nbd://127.0.0.1:" + port + "/" + VOL;
  }

  private void qemuIo(String... commands) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (String c : commands) {
      if (c.startsWith("-")) {
        cmd.add(c);
      } else {
        cmd.addAll(List.of("-c", c));
      }
    }
    cmd.add(uri());
    ExternalTool.run(60, cmd).ok();
  }

  /**
   * Everything the daemon starts lazily, started: both NBD thread pools whole (each event loop
   * gets a connection, the I/O pool more requests than threads), and a real client served.
   */
  private void warmUp() throws Exception {
    int loops = 2 * Runtime.getRuntime().availableProcessors() + 2;
    for (int i = 0; i < loops; i++) {
      try (RawNbdClient p = RawNbdClient.open(address(127, 0, 2, 1 + i), port, VOL, false)) {
        for (int r = 0; r < IO_THREADS + 4; r++) {
          readBlock(p, r);
        }
        p.request(0, RawNbdClient.DISC, 0, 0, 0, null);
        assertTrue(p.closedByServer());
      }
    }
    ExternalTool.run(60, "nbdinfo", uri()).ok();
  }

  private static void readBlock(RawNbdClient p, long cookie) throws IOException {
    p.request(0, RawNbdClient.READ, cookie, 0, 4096, null);
    assertEquals(0, p.checkedSimple(cookie).error());
    byte[] block = p.readBytes(4096);
    byte[] expected = new byte[4096];
    Arrays.fill(expected, (byte) 0x5a);
    assertArrayEquals(expected, block);
  }

  private void drop(int n, Drop how) throws Exception {
    InetAddress from = address(127, 0, 1, 1 + n % CHURN_ADDRESSES);
    RawNbdClient p = RawNbdClient.dial(from, port);
    try {
      switch (how) {
        case AT_ONCE -> {}
        case MID_OPTION ->
            p.greeting()
                .flags()
                .send(
                    Arrays.copyOf(
                        NbdWire.option(RawNbdClient.OPT_GO, NbdWire.exportRequest(VOL)), 10));
        case AFTER_GO -> go(p);
        case MID_WRITE -> {
          go(p).request(0, RawNbdClient.WRITE, 1, 0, 64 << 10, null);
          p.send(new byte[1000]);
        }
        case UNREAD_REPLY -> go(p).request(0, RawNbdClient.READ, 1, 0, 1 << 20, null);
        case RESET -> {
          go(p).request(0, RawNbdClient.READ, 1, 0, 4096, null);
          p.reset();
        }
        case DISC -> {
          go(p).request(0, RawNbdClient.DISC, 1, 0, 0, null);
          assertTrue(p.closedByServer(), "closed after DISC");
        }
      }
    } finally {
      p.close();
    }
  }

  /** Greeting, client flags and NBD_OPT_GO on the volume, up to its final ACK. */
  private static RawNbdClient go(RawNbdClient p) throws IOException {
    return p.greeting().flags().go(VOL);
  }

  /**
   * A handshake that stops: right after connecting ({@code at} 0), after the client flags (1),
   * or after an answered NBD_OPT_LIST (2). Returns the milliseconds from the client's last
   * message (or its connect) until the server closed; the server's timer starts a moment
   * later, so this is never short of the timeout.
   */
  private long stall(InetAddress from, int at) throws Exception {
    long since = System.nanoTime();
    try (RawNbdClient p = RawNbdClient.dial(from, port)) {
      p.greeting();
      if (at >= 1) {
        p.flags();
      }
      if (at >= 2) {
        since = System.nanoTime();
        p.send(NbdWire.option(RawNbdClient.OPT_LIST, new byte[0]));
        assertEquals(RawNbdClient.REP_SERVER, p.readOptionReply().type(), "the export");
        assertEquals(RawNbdClient.REP_ACK, p.readOptionReply().type(), "the ACK");
      }
      assertTrue(p.closedByServer(), "a stalled handshake is still open after 10 s");
      return (System.nanoTime() - since) / 1_000_000;
    }
  }

  /**
   * A client that holds its limit of connections and asks for more: each is closed before the
   * greeting while its own connections and a neighbour's keep working, and it is admitted again
   * once one of its own closes. Returns {refused, admitted, slowest refusal in ms}.
   */
  private int[] greedyClient() throws Exception {
    List<RawNbdClient> held = new ArrayList<>();
    int refused = 0;
    long slowest = 0;
    try {
      for (int i = 0; i < PER_CLIENT; i++) {
        held.add(RawNbdClient.open(GREEDY, port, VOL, false));
      }
      for (int i = 0; i < GREEDY_ATTEMPTS; i++) {
        long t0 = System.nanoTime();
        try (RawNbdClient p = RawNbdClient.dial(GREEDY, port)) {
          p.greeting();
          throw new AssertionError(
              "connection " + (PER_CLIENT + 1) + " of " + GREEDY + " admitted");
        } catch (EOFException expected) {
          refused++;
          slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
        }
      }
      for (int i = 0; i < held.size(); i++) {
        readBlock(held.get(i), 100 + i);
      }
      try (RawNbdClient p = RawNbdClient.open(NEIGHBOUR, port, VOL, false)) {
        readBlock(p, 1);
      }
      held.remove(0).close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (RawNbdClient p = RawNbdClient.dial(GREEDY, port)) {
          go(p);
          readBlock(p, 2);
          break;
        } catch (EOFException stillCounted) {
          // The server has not yet seen the close: that connection still counts.
          refused++;
          assertTrue(System.nanoTime() < deadline, "never admitted again");
          Thread.sleep(20);
        }
      }
      return new int[] {refused, PER_CLIENT + 1, (int) slowest};
    } finally {
      for (RawNbdClient p : held) {
        p.close();
      }
    }
  }

  /** The daemon's descriptors by kind and threads by name, from /proc. */
  record Usage(Map<String, Integer> fds, Map<String, Integer> threads) {
    int fdCount() {
      return fds.values().stream().mapToInt(Integer::intValue).sum();
    }

    int threadCount() {
      return threads.values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> fdsBut(String kind) {
      Map<String, Integer> m = new TreeMap<>(fds);
      m.remove(kind);
      return m;
    }

    /** Every thread but the JVM's on-demand GC and JIT ones (names cut to 15 characters). */
    Map<String, Integer> threadsButJvm() {
      Map<String, Integer> m = new TreeMap<>(threads);
      m.keySet().removeAll(ON_DEMAND_POOLS);
      return m;
    }
  }

  /**
   * Samples until two samples half a second apart agree and, with a {@code baseline}, match it
   * as the test asserts (connections close, and timed-out handshakes end, a moment after the
   * clients are done); the last sample after 30 s otherwise.
   */
  private static Usage settled(long pid, Usage baseline) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Usage last = usage(pid);
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      Usage now = usage(pid);
      boolean stable = now.equals(last);
      boolean within =
          baseline == null
              || now.fdsBut("file").equals(baseline.fdsBut("file"))
                  && now.threadsButJvm().equals(baseline.threadsButJvm());
      if (stable && within) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static Usage usage(long pid) throws IOException {
    Map<String, Integer> fds = new TreeMap<>();
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        try {
          fds.merge(fdKind(Files.readSymbolicLink(fd).toString()), 1, Integer::sum);
        } catch (NoSuchFileException closedMeanwhile) {
          // gone between the listing and the link
        }
      }
    }
    Map<String, Integer> threads = new TreeMap<>();
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) s::iterator) {
        try {
          threads.merge(
              Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+$", ""),
              1,
              Integer::sum);
        } catch (NoSuchFileException exited) {
          // ended between the listing and the read
        }
      }
    }
    return new Usage(fds, threads);
  }

  private static String fdKind(String target) {
    if (target.startsWith("socket:")) {
      return "socket";
    }
    if (target.startsWith("pipe:")) {
      return "pipe";
    }
    if (target.startsWith("anon_inode:")) {
      return target.substring("anon_inode:".length());
    }
    return target.endsWith(".jar") ? "jar" : "file";
  }

  private static String byDrop(AtomicIntegerArray dropped) {
    StringBuilder b = new StringBuilder();
    for (Drop d : Drop.values()) {
      b.append(b.length() == 0 ? "" : ", ")
          .append(d.name().toLowerCase())
          .append(' ')
          .append(dropped.get(d.ordinal()));
    }
    return b.toString();
  }

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
