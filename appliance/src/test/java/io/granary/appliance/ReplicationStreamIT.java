package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.cli.Granary;
import io.granary.testing.ChildJvm;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline replication between two real granaryd processes: {@code granary send > FILE} on one,
 * {@code granary receive < FILE} on the other (the CLI in a JVM of its own, its standard
 * streams redirected as a shell would), read back over NBD byte for byte; a cut stream refused
 * with nothing changed; the receiver killed with SIGKILL in the middle of receives; promotion and
 * fail-back.
 */
class ReplicationStreamIT {
  @TempDir Path tmp;
  private Site a;
  private Site b;

  /** One appliance: its daemon, its NBD port, its CLI. */
  private final class Site implements AutoCloseable {
    final Path data;
    final int port = FreePort.pick();
    DaemonProcess daemon;
    final Cli cli;

    Site(String name) throws Exception {
      data = tmp.resolve(name);
      cli = new Cli(data);
      start();
    }

    void start() throws Exception {
      daemon = new DaemonProcess(data).start("--nbd-listen", "127.0.0.1:" + port);
    }

    String uri(String export) {
      return "nbd://127.0.0.1:" + port + "/" + export;
    }

    /** The export's SHA-256, read with nbdcopy (volumes here are larger than a test's heap). */
    String read(String export) throws Exception {
      Path f = tmp.resolve("read-" + System.nanoTime() + ".raw");
      ExternalTool.run(120, "nbdcopy", uri(export), f.toString()).ok();
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

    void write(String export, String... commands) throws Exception {
      List<String> args = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
      for (String c : commands) {
        args.add("-c");
        args.add(c);
      }
      args.add(uri(export));
      ExternalTool.run(120, args.toArray(String[]::new)).ok();
    }

    /** The CLI in a JVM of its own: stdin from {@code in}, stdout to {@code out} (or null). */
    Run granary(Path in, Path out, String... args) throws Exception {
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--data");
      all.add(data.toString());
      Path err = tmp.resolve("err-" + System.nanoTime());
      Path log = out != null ? out : tmp.resolve("out-" + System.nanoTime());
      ProcessBuilder pb =
          ChildJvm.builder(Granary.class, all.toArray(String[]::new))
              .redirectOutput(log.toFile())
              .redirectError(err.toFile());
      if (in != null) {
        pb.redirectInput(in.toFile());
      }
      Process p = pb.start();
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "granary " + all + " did not finish");
      return new Run(
          p.exitValue(),
          out != null ? "" : Files.readString(log),
          Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} of random data at offset 0, through nbdcopy from a file. */
    void fill(String export, int bytes, long seed) throws Exception {
      byte[] data = new byte[bytes];
      new Random(seed).nextBytes(data);
      Path f = tmp.resolve("fill-" + seed + ".raw");
      Files.write(f, data);
      ExternalTool.run(120, "nbdcopy", f.toString(), uri(export)).ok();
      Files.delete(f);
    }

    List<String> snapshots(String volume) {
      return cli.ok("snapshot", "list", volume, "-H")
          .out()
          .lines()
          .map(l -> l.split("\t")[0])
          .toList();
    }

    @Override
    public void close() throws Exception {
      daemon.close();
    }
  }

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void sites() throws Exception {
    ExternalTool.require("qemu-io", "nbdcopy");
    a = new Site("a");
    b = new Site("b");
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
  void sendAndReceiveThroughFilesWholeThenIncremental() throws Exception {
    a.cli.ok("volume", "create", "default/vm", "--size", "128M");
    a.fill("default/vm", 24 << 20, 1);
    a.write("default/vm", "write -P 0x22 100M 8M", "write -P 0x33 127M 1M");
    a.cli.ok("snapshot", "create", "default/vm@s1");
    Path s1 = tmp.resolve("s1.stream");
    Run send = a.granary(null, s1, "send", "default/vm@s1");
    assertEquals(0, send.exit(), send.err());
    Run got = b.granary(s1, null, "receive", "default/vm");
    assertEquals(0, got.exit(), got.err());
    assertTrue(got.out().contains("received default/vm@s1 from default/vm"), got.out());
    assertEquals(a.read("default/vm@s1"), b.read("default/vm@s1"));
    assertEquals(a.read("default/vm@s1"), b.read("default/vm"));
    String show = b.cli.ok("volume", "show", "default/vm", "--json").out();
    assertTrue(show.contains("\"replicaOf\" : \"default/vm#"), show);
    var refused =
        ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write 0 4k", b.uri("default/vm"));
    assertNotEquals(0, refused.exit(), "a replica's export is read-only");

    a.write("default/vm", "write -P 0x44 20M 2M", "discard 100M 4M", "write -P 0x45 30M 64k");
    a.cli.ok("snapshot", "create", "default/vm@s2");
    Path s2 = tmp.resolve("s2.stream");
    assertEquals(0, a.granary(null, s2, "send", "default/vm@s2", "--from", "s1").exit());
    assertTrue(Files.size(s2) < Files.size(s1) / 5, Files.size(s2) + " vs " + Files.size(s1));
    assertEquals(0, b.granary(s2, null, "receive", "default/vm").exit());
    assertEquals(a.read("default/vm@s2"), b.read("default/vm@s2"));
    assertEquals(List.of("default/vm@s1", "default/vm@s2"), b.snapshots("default/vm"));
    Run again = b.granary(s2, null, "receive", "default/vm");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("nothing changed"), again.out());

    // Cut short: refused, nothing changed.
    Path cut = tmp.resolve("cut.stream");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(s1), (int) (Files.size(s1) / 2)));
    Run truncated = b.granary(cut, null, "receive", "default/other");
    assertEquals(1, truncated.exit(), truncated.err());
    assertTrue(
        truncated.err().startsWith("granary: cannot receive into default/other: "),
        truncated.err());
    assertTrue(truncated.err().contains("truncated"), truncated.err());
    assertFalse(truncated.err().contains("\tat "), "no stack trace: " + truncated.err());
    assertFalse(b.cli.ok("volume", "list", "-H").out().contains("other"));
    // A stream for another volume.
    Run other = b.granary(s1, null, "receive", "default/vm2");
    assertEquals(0, other.exit(), other.err());
    a.cli.ok("volume", "create", "default/else", "--size", "16M");
    a.cli.ok("snapshot", "create", "default/else@x");
    Path elseStream = tmp.resolve("else.stream");
    assertEquals(0, a.granary(null, elseStream, "send", "default/else@x").exit());
    Run wrong = b.granary(elseStream, null, "receive", "default/vm");
    assertEquals(1, wrong.exit());
    assertTrue(wrong.err().contains("receive it into a new volume"), wrong.err());

    // A pool that does not allow replication neither sends nor receives.
    for (Site site : new Site[] {a, b}) {
      site.cli.ok(
          "pool",
          "create",
          "plain",
          "--capacity",
          "1G",
          "--services",
          "snapshots,clones,dedupe,compression");
    }
    a.cli.ok("volume", "create", "plain/v", "--size", "16M");
    a.cli.ok("snapshot", "create", "plain/v@x");
    Run notSent = a.granary(null, tmp.resolve("plain.stream"), "send", "plain/v@x");
    assertEquals(1, notSent.exit());
    assertTrue(notSent.err().contains("does not allow replication"), notSent.err());
    Run notTaken = b.granary(s1, null, "receive", "plain/v");
    assertEquals(1, notTaken.exit());
    assertTrue(notTaken.err().contains("does not allow replication"), notTaken.err());
  }

  @Test
  void theReceiverKilledMidReceiveLosesNothingAndTakesTheStreamAfter() throws Exception {
    a.cli.ok("volume", "create", "default/big", "--size", "256M");
    a.fill("default/big", 64 << 20, 2);
    Random random = new Random(18);
    List<String> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      writes.add("write -P " + (i + 1) + " " + random.nextInt(250) + "M 1M");
    }
    a.write("default/big", writes.toArray(String[]::new));
    a.cli.ok("snapshot", "create", "default/big@s1");
    Path s1 = tmp.resolve("big.stream");
    assertEquals(0, a.granary(null, s1, "send", "default/big@s1").exit());
    String expected = a.read("default/big@s1");
    List<String> outcomes = new ArrayList<>();
    for (int kill = 0; kill < 3; kill++) {
      long delay = 150 + random.nextInt(900);
      Thread killer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(delay);
                  b.daemon.kill9();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      killer.start();
      Run r = b.granary(s1, null, "receive", "default/big");
      killer.join();
      b.start();
      String list = b.cli.ok("volume", "list", "-H").out();
      outcomes.add(delay + " ms: " + (list.contains("big") ? "after the switch" : "before it"));
      if (r.exit() == 0 || list.contains("big")) {
        // The switch happened before the kill: then it is whole.
        assertEquals(expected, b.read("default/big@s1"), "kill " + kill + " after the switch");
      }
    }
    System.out.println("ReplicationStreamIT: receiver killed at " + outcomes);
    Run done = b.granary(s1, null, "receive", "default/big");
    assertEquals(0, done.exit(), done.err());
    assertEquals(expected, b.read("default/big@s1"));
    String scrub = b.cli.ok("scrub", "default", "--json").out();
    assertTrue(scrub.contains("\"damaged\" : [ ]"), scrub);
  }

  @Test
  void promoteThenFailBackWithForce() throws Exception {
    a.cli.ok("volume", "create", "default/vm", "--size", "64M");
    a.fill("default/vm", 16 << 20, 3);
    a.cli.ok("snapshot", "create", "default/vm@s1");
    Path s1 = tmp.resolve("s1.stream");
    assertEquals(0, a.granary(null, s1, "send", "default/vm@s1").exit());
    assertEquals(0, b.granary(s1, null, "receive", "default/vm").exit());

    // Site a is lost; b takes over.
    assertTrue(b.cli.ok("volume", "promote", "default/vm").out().contains("writable"));
    b.write("default/vm", "write -P 0x66 4M 4M");
    b.cli.ok("snapshot", "create", "default/vm@s2");
    // a is back; b's changes go back incrementally.
    Path back = tmp.resolve("back.stream");
    assertEquals(0, b.granary(null, back, "send", "default/vm@s2", "--from", "s1").exit());
    Run refused = a.granary(back, null, "receive", "default/vm");
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("force"), refused.err());
    Run forced = a.granary(back, null, "receive", "default/vm", "--force");
    assertEquals(0, forced.exit(), forced.err());
    assertEquals(b.read("default/vm@s2"), a.read("default/vm"));
    assertEquals(List.of("default/vm@s1", "default/vm@s2"), a.snapshots("default/vm"));
  }
}
