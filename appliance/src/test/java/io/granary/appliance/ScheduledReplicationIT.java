package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication on a profile's schedule between two real granaryd processes, the sender's clock
 * running 60 times faster (a 10-minute interval every 10 seconds): the replica follows the
 * volume, {@code repl-*} snapshots are pruned to the keep on both sides, the lag shows in
 * {@code volume show}, {@code granary status} and the metrics, a remote that is down counts
 * failures and is caught up with when back, the sender killed with -9 at random moments
 * leaves a history it reads and a replica equal to its snapshot, and a schedule that cannot be
 * carried out is refused when the profile is made or used.
 */
class ScheduledReplicationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path tmp;
  private DaemonProcess a;
  private DaemonProcess b;
  private PeerSite siteB;
  private Cli cliA;
  private Cli cliB;
  private int nbdA;
  private int nbdB;

  @BeforeEach
  void sites() throws Exception {
    ExternalTool.require("nbdcopy", "qemu-io");
    nbdA = FreePort.pick();
    nbdB = FreePort.pick();
    siteB = PeerSite.prepare(tmp.resolve("b"), tmp.resolve("b.conf"), "b.invalid");
    startB();
    startA();
    cliA = new Cli(tmp.resolve("a"));
    cliB = new Cli(siteB.data);
    cliA.ok(
        "remote",
        "add",
        "b",
        "--url",
        "https://127.0.0.1:" + siteB.adminPort,
        "--token-file",
        PeerSite.tokenFile(tmp.resolve("token")).toString());
  }

  private void startA() throws Exception {
    a =
        new DaemonProcess(tmp.resolve("a"))
            .start("--clock-speed", "60", "--nbd-listen", "127.0.0.1:" + nbdA);
  }

  private void startB() throws Exception {
    b =
        new DaemonProcess(siteB.data)
            .start("--config", siteB.config.toString(), "--nbd-listen", "127.0.0.1:" + nbdB);
  }

  @AfterEach
  void stop() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void theReplicaFollowsTheScheduleAndBothSidesKeepTheNewest() throws Exception {
    // B's volumes take automatic snapshots; a replica takes none (its snapshots arrive with it).
    cliB.ok("profile", "set", "default", "--snapshot-every", "1h", "--keep", "2");
    cliA.ok(
        "profile",
        "create",
        "dr",
        "--replicate-to",
        "b",
        "--replicate-every",
        "10m",
        "--replicate-keep",
        "2");
    assertTrue(
        cliA.ok("profile", "show", "dr").out().contains("to b:default every 10m, keep 2"),
        cliA.ok("profile", "show", "dr").out());
    cliA.ok("volume", "create", "default/vm", "--size", "16M", "--profile", "dr");
    write(0x11, "0 4M");
    String first = awaitReplicationAfter(null);
    long firstAt = System.nanoTime();
    assertEquals(sha(nbdA, "default/vm@" + first), sha(nbdB, "default/vm@" + first));

    write(0x22, "8M 1M");
    String second = awaitReplicationAfter(first);
    ExternalTool.run(60, "qemu-io", "-r", "-f", "raw", "-c", "read -P 0x22 8M 1M", uri(nbdB)).ok();
    assertEquals(sha(nbdA, "default/vm@" + second), sha(nbdB, "default/vm@" + second));

    // Two more replications, then both sides hold the newest two repl-* snapshots, the same
    // ones. A may hold one more for a moment: its next snapshot before the prune.
    String s = second;
    int mostOnA = 0;
    for (int i = 0; i < 2; i++) {
      s = awaitReplicationAfter(s);
      mostOnA = Math.max(mostOnA, repl(cliA).size());
    }
    await(
        () -> repl(cliA).size() == 2 && repl(cliA).equals(repl(cliB)),
        () -> "both sides keep the newest two: a " + repl(cliA) + ", b " + repl(cliB));
    assertTrue(mostOnA <= 3, "never more than keep + 1 on the sender: " + mostOnA);
    String newest = repl(cliB).get(1);
    assertEquals(sha(nbdA, "default/vm@" + newest), sha(nbdB, "default/vm@" + newest));

    JsonNode r = json(cliA, "volume", "show", "default/vm").get("replication");
    assertEquals("b:default/vm", r.get("to").asText(), r.toString());
    assertEquals(600, r.get("every").asLong(), r.toString());
    assertEquals(0, r.get("failures").asInt(), r.toString());
    assertTrue(r.get("lagSeconds").asLong() < 3 * 600, "behind by less than 3 intervals: " + r);
    String shown = cliA.ok("volume", "show", "default/vm").out();
    String tasks = cliA.ok("task", "list").out();
    System.out.printf(
        "ScheduledReplicationIT: on a:%n%s%s%s", shown, cliA.ok("status").out(), tasks);
    assertTrue(
        tasks.matches(
            "(?s).*replicate\\s+default/vm to b:default/vm \\(scheduled\\)\\s+succeeded.*"),
        tasks);
    assertTrue(shown.contains("to b:default/vm every 10m"), shown);
    assertTrue(shown.matches("(?s).*\\blag\\s+\\d+[smh].*"), shown);

    JsonNode status = json(cliA, "status").get("replication");
    assertEquals(1, status.get("volumes").asInt(), status.toString());
    assertEquals(0, status.get("failing").asInt(), status.toString());
    assertEquals("vm", status.get("worst").get("volume").asText(), status.toString());
    assertTrue(cliA.ok("status").out().contains("1 volume, 0 late, 0 failing"));

    PromText metrics = metrics();
    String[] labels = {"pool", "default", "volume", "vm", "to", "b:default/vm"};
    double lag = metrics.value("granary_volume_replication_lag_seconds", labels);
    assertTrue(lag >= 0 && lag < 3 * 600, "lag " + lag);
    assertEquals(0, metrics.value("granary_volume_replication_failures", labels));

    // B's scheduler ticks every 15 s: past one tick with the replica there, nothing was tried.
    Thread.sleep(Math.max(0, 16_000 - (System.nanoTime() - firstAt) / 1_000_000));
    assertFalse(repl(cliB).isEmpty());
    assertFalse(
        cliB.ok("snapshot", "list", "default/vm").out().contains("auto-"),
        cliB.ok("snapshot", "list", "default/vm").out());
    assertFalse(log(b).contains("automatic snapshot of default/vm failed"), log(b));
    String replica = cliB.ok("volume", "show", "default/vm").out();
    assertTrue(replica.matches("(?s).*replicaOf\\s+default/vm#.*"), replica);
    assertFalse(
        cliB.ok("volume", "show", "default/vm").out().contains("replication"),
        "the replica has no schedule of its own");
  }

  @Test
  void aRemoteThatIsDownCountsFailuresAndIsCaughtUpWithWhenBack() throws Exception {
    cliA.ok(
        "profile",
        "create",
        "dr",
        "--replicate-to",
        "b",
        "--replicate-every",
        "10m",
        "--replicate-keep",
        "3");
    cliA.ok("volume", "create", "default/vm", "--size", "16M", "--profile", "dr");
    String before = awaitReplicationAfter(null);
    b.close();
    b = null;
    await(
        () -> replication().get("failures").asInt() > 0,
        () -> "failures counted: " + replication());
    JsonNode failing = replication();
    assertFalse(failing.get("error").asText().isBlank(), failing.toString());
    assertEquals(1, json(cliA, "status").get("replication").get("failing").asInt());
    assertTrue(cliA.ok("volume", "show", "default/vm").out().contains("in a row"));
    String[] labels = {"pool", "default", "volume", "vm", "to", "b:default/vm"};
    assertTrue(metrics().value("granary_volume_replication_failures", labels) >= 1);

    write(0x33, "2M 1M");
    startB();
    String after = awaitReplicationAfter(before);
    assertEquals(0, replication().get("failures").asInt(), replication().toString());
    assertEquals(sha(nbdA, "default/vm@" + after), sha(nbdB, "default/vm@" + after));
  }

  /**
   * The sender killed with -9 at random moments while its schedule runs (snapshots taken,
   * streams under way, histories and prunes being written): after each restart its history
   * reads, the schedule goes on, and every snapshot the replica holds equals the sender's.
   */
  @Test
  void theSenderKilledAtRandomMomentsGoesOnFromWhereItWas() throws Exception {
    cliA.ok(
        "profile",
        "create",
        "dr",
        "--replicate-to",
        "b",
        "--replicate-every",
        "2m",
        "--replicate-keep",
        "2");
    cliA.ok("volume", "create", "default/vm", "--size", "64M", "--profile", "dr");
    Random random = new Random(42);
    String last = awaitReplicationAfter(null);
    for (int kill = 0; kill < 5; kill++) {
      write(0x40 + kill, (kill * 8) + "M 8M");
      Thread.sleep(random.nextInt(3000));
      a.kill9();
      startA();
      assertFalse(
          a.log().contains("cannot be read"), "the history survives a kill -9:\n" + a.log());
      last = awaitReplicationAfter(last);
    }
    for (String s : repl(cliB)) {
      if (repl(cliA).contains(s)) {
        assertEquals(sha(nbdA, "default/vm@" + s), sha(nbdB, "default/vm@" + s), s);
      }
    }
    ExternalTool.run(60, "qemu-io", "-r", "-f", "raw", "-c", "read -P 0x44 32M 8M", uri(nbdB)).ok();
  }

  @Test
  void aScheduleThatCannotBeCarriedOutIsRefused() throws Exception {
    refused(
        "remote nowhere does not exist",
        "--replicate-to",
        "nowhere",
        "--replicate-every",
        "15m",
        "--replicate-keep",
        "2");
    refused("need --replicate-to", "--replicate-every", "15m");
    refused(
        "a minute or more",
        "--replicate-to",
        "b",
        "--replicate-every",
        "30s",
        "--replicate-keep",
        "2");
    refused("--replicate-keep N", "--replicate-to", "b", "--replicate-every", "15m");
    refused(
        "REMOTE or REMOTE:POOL",
        "--replicate-to",
        "b:default/vm",
        "--replicate-every",
        "15m",
        "--replicate-keep",
        "2");
    cliA.ok(
        "profile",
        "create",
        "dr",
        "--replicate-to",
        "b",
        "--replicate-every",
        "15m",
        "--replicate-keep",
        "2");
    cliA.ok("pool", "create", "plain", "--capacity", "1G", "--services", "dedupe,compression");
    Cli.Result r = cliA.run("volume", "create", "plain/v", "--size", "16M", "--profile", "dr");
    assertNotEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("replication, which pool plain does not allow"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());

    cliA.ok("profile", "set", "dr", "--replicate-to", "off");
    assertTrue(
        cliA.ok("profile", "show", "dr").out().matches("(?s).*replication\\s+-\\s.*"),
        cliA.ok("profile", "show", "dr").out());
    cliA.ok("volume", "create", "plain/v", "--size", "16M", "--profile", "dr");
  }

  private void refused(String message, String... options) {
    List<String> args = new ArrayList<>(List.of("profile", "create", "x"));
    args.addAll(List.of(options));
    Cli.Result r = cliA.run(args.toArray(String[]::new));
    assertNotEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  /**
   * Waits for a replication of default/vm after the one of {@code previous} (by name: a sender
   * restarted with its fast clock starts again from the real time, so names can go back).
   */
  private String awaitReplicationAfter(String previous) throws Exception {
    String[] seen = {null};
    await(
        () -> {
          JsonNode r = replication();
          seen[0] = r.path("snapshot").isTextual() ? r.get("snapshot").asText() : null;
          return seen[0] != null && !seen[0].equals(previous);
        },
        () -> "a replication after " + previous + ": " + replication() + "\n" + log(a));
    return seen[0];
  }

  private static String log(DaemonProcess d) {
    try {
      return d.log();
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private JsonNode replication() {
    try {
      return json(cliA, "volume", "show", "default/vm").get("replication");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The repl-* snapshots of default/vm on one side, oldest first. */
  private static List<String> repl(Cli cli) {
    List<String> out = new ArrayList<>();
    try {
      for (JsonNode s : json(cli, "snapshot", "list", "default/vm")) {
        if (s.get("name").asText().startsWith("repl-")) {
          out.add(s.get("name").asText());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    out.sort(null);
    return out;
  }

  private static void await(BooleanSupplier done, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what.get());
      }
      Thread.sleep(250);
    }
  }

  private void write(int pattern, String range) throws Exception {
    ExternalTool.run(
            60, "qemu-io", "-f", "raw", "-c", "write -P " + pattern + " " + range, uri(nbdA))
        .ok();
  }

  private PromText metrics() throws Exception {
    try (AdminSocket admin = new AdminSocket(tmp.resolve("a/admin.sock"))) {
      return new PromText(admin.get("/metrics").body());
    }
  }

  private static JsonNode json(Cli cli, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    return JSON.readTree(cli.ok(all.toArray(String[]::new)).out());
  }

  private static String uri(int port) {
    return "nbd://127.0.0.1:" + port + "/default/vm";
  }

  private static String uri(int port, String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  private String sha(int port, String export) throws Exception {
    Path f = tmp.resolve("read-" + System.nanoTime());
    ExternalTool.run(300, "nbdcopy", uri(port, export), f.toString()).ok();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 20];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    Files.delete(f);
    return HexFormat.of().formatHex(sha.digest());
  }
}
