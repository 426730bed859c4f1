package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.WanLink;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication between two real granaryd processes, the sender reaching the receiver's TLS admin
 * listener through a WAN link emulated in the test ({@link WanLink}: 75 ms each way and a
 * bandwidth cap, on loopback): an incremental sends little more than the new chunks, a link cut
 * twenty times and the receiver killed still converge to equal data, and an unchanged snapshot
 * of a 2 TiB sparse volume costs one question.
 */
class ReplicationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RATE = 8_000_000; // bytes/s each way: 64 Mbit/s

  @TempDir Path tmp;
  private DaemonProcess a;
  private DaemonProcess b;
  private WanLink wan;
  private Cli cliA;
  private Cli cliB;
  private int nbdA;
  private int nbdB;
  private int adminB;
  private Path configB;

  @BeforeEach
  void sites() throws Exception {
    ExternalTool.require("nbdcopy", "qemu-io");
    nbdA = FreePort.pick();
    nbdB = FreePort.pick();
    PeerSite siteB = PeerSite.prepare(tmp.resolve("b"), tmp.resolve("b.conf"), "b.invalid");
    adminB = siteB.adminPort;
    configB = siteB.config;
    Path dataB = siteB.data;
    startB();
    a = new DaemonProcess(tmp.resolve("a")).start("--nbd-listen", "127.0.0.1:" + nbdA);
    cliA = new Cli(tmp.resolve("a"));
    cliB = new Cli(dataB);
    wan =
        WanLink.to("127.0.0.1", adminB).delayEachWay(Duration.ofMillis(75)).bandwidth(RATE).start();
    Path token = PeerSite.tokenFile(tmp.resolve("token"));
    cliA.ok(
        "remote",
        "add",
        "b",
        "--url",
        "https://127.0.0.1:" + wan.port(),
        "--token-file",
        token.toString());
  }

  private void startB() throws Exception {
    b =
        new DaemonProcess(tmp.resolve("b"))
            .start("--config", configB.toString(), "--nbd-listen", "127.0.0.1:" + nbdB);
  }

  @AfterEach
  void stop() throws Exception {
    if (wan != null) {
      wan.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private JsonNode replicate(String volume, String... extra) throws Exception {
    String[] args =
        new String[] {"volume", "replicate", volume, "--to", "b", "--no-progress", "--json"};
    String[] all = Arrays.copyOf(args, args.length + extra.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return JSON.readTree(cliA.ok(all).out());
  }

  /** Writes {@code blocks} random 16 KiB blocks at random block offsets (or from 0 in order). */
  private void scribble(String volume, long size, int blocks, long seed, boolean inOrder)
      throws Exception {
    Random r = new Random(seed);
    Path f = tmp.resolve("blocks-" + seed);
    StringBuilder cmds = new StringBuilder();
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("qemu-io", "-f", "raw"));
    byte[] data = new byte[16 << 10];
    // qemu-io writes patterns, not random data: write random blocks through nbdcopy instead.
    try (var out = Files.newOutputStream(f)) {
      for (int i = 0; i < blocks; i++) {
        r.nextBytes(data);
        out.write(data);
      }
    }
    if (inOrder) {
      ExternalTool.run(300, "nbdcopy", f.toString(), uri(nbdA, volume)).ok();
    } else {
      // Each block to a random place, from a file of its own (qemu-io's write -s reads a file
      // from its start).
      Path dir = Files.createDirectories(tmp.resolve("blocks-" + seed + ".d"));
      byte[] all = Files.readAllBytes(f);
      for (int i = 0; i < blocks; i++) {
        Path one = dir.resolve(Integer.toString(i));
        Files.write(one, Arrays.copyOfRange(all, i * data.length, (i + 1) * data.length));
        long at = (long) r.nextInt((int) (size / data.length)) * data.length;
        args.add("-c");
        args.add("write -s " + one + " " + at + " 16k");
      }
      args.add(uri(nbdA, volume));
      ExternalTool.run(300, args.toArray(String[]::new)).ok();
    }
    Files.delete(f);
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

  @Test
  void anIncrementalOverAWanSendsLittleMoreThanTheNewChunks() throws Exception {
    cliA.ok("volume", "create", "default/vm", "--size", "128M");
    scribble("default/vm", 128 << 20, 2048, 1, true); // 32 MiB of random blocks
    JsonNode first = replicate("default/vm", "--snapshot", snap("default/vm", "s1"));
    assertEquals(sha(nbdA, "default/vm@s1"), sha(nbdB, "default/vm@s1"));
    assertTrue(first.get("chunks").asLong() >= 2048, first.toString());

    scribble("default/vm", 128 << 20, 205, 2, false); // 10 % of the data, rewritten at random
    String s2 = snap("default/vm", "s2");
    wan.resetCounters();
    JsonNode inc = replicate("default/vm", "--snapshot", s2);
    long wire = wan.bytesToServer() + wan.bytesToClient();
    long payload = inc.get("payloadBytes").asLong();
    double seconds = inc.get("seconds").asDouble();
    System.out.printf(
        "ReplicationIT: incremental of %d chunks: %d payload bytes, %d bytes on the wire (%.3f×),"
            + " %d questions, %.2f s (payload at the link's rate: %.2f s; round trip 150 ms)%n",
        inc.get("chunks").asLong(),
        payload,
        wire,
        wire / (double) payload,
        inc.get("rounds").asInt(),
        seconds,
        payload / (double) RATE);
    assertEquals(sha(nbdA, "default/vm@s2"), sha(nbdB, "default/vm@s2"));
    assertTrue(payload >= 200L * (16 << 10), "the changed blocks travelled: " + inc);
    assertTrue(payload < 300L * (16 << 10), "and little else: " + inc);
    assertTrue(wire <= 1.05 * payload, wire + " bytes on the wire for " + payload);
    assertTrue(inc.get("rounds").asInt() <= 4, "a question per level: " + inc);
    assertTrue(
        seconds < 2 * payload / (double) RATE + 5, "close to bytes / rate: " + seconds + " s");
  }

  @Test
  void twentyCutsAndAKilledReceiverStillConverge() throws Exception {
    cliA.ok("volume", "create", "default/vm", "--size", "64M");
    scribble("default/vm", 64 << 20, 1536, 3, true); // 24 MiB: 3 s at the link's rate
    String s1 = snap("default/vm", "s1");
    Thread cutter =
        new Thread(
            () -> {
              try {
                Random r = new Random(4);
                for (int i = 0; i < 20; i++) {
                  Thread.sleep(100 + r.nextInt(200));
                  wan.cutAll();
                }
                b.kill9();
                Thread.sleep(500);
                startB();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    cutter.start();
    JsonNode r = replicate("default/vm", "--snapshot", s1);
    cutter.join();
    System.out.println(
        "ReplicationIT: after 20 cuts and a kill -9 of the receiver: "
            + r.get("attempts").asInt()
            + " attempts, "
            + wan.cuts()
            + " connections cut, "
            + r.get("seconds").asDouble()
            + " s");
    assertTrue(r.get("attempts").asInt() > 1, r.toString());
    assertEquals(sha(nbdA, "default/vm@s1"), sha(nbdB, "default/vm@s1"));
    JsonNode again = replicate("default/vm", "--snapshot", s1);
    assertEquals(0, again.get("chunks").asLong(), again.toString());
  }

  @Test
  void anUnchangedSnapshotOfA2TiBSparseVolumeCostsOneQuestion() throws Exception {
    for (Cli cli : new Cli[] {cliA, cliB}) { // this disk is smaller than 2 TiB / 4
      cli.ok("pool", "set", "default", "--overcommit", "100");
    }
    cliA.ok("volume", "create", "default/huge", "--size", "2T");
    ExternalTool.run(
            60,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -P 1 0 1M",
            "-c",
            "write -P 2 1T 1M",
            "-c",
            "write -P 3 2047G 1M",
            uri(nbdA, "default/huge"))
        .ok();
    // Straight to the receiver, not through the emulated WAN: what is measured is the tree walk.
    Path token = PeerSite.tokenFile(tmp.resolve("token-lan"));
    cliA.ok(
        "remote",
        "add",
        "b-lan",
        "--url",
        "https://127.0.0.1:" + adminB,
        "--token-file",
        token.toString());
    JSON.readTree(
        cliA.ok(
                "volume",
                "replicate",
                "default/huge",
                "--to",
                "b-lan",
                "--json",
                "--no-progress",
                "--snapshot",
                snap("default/huge", "s1"))
            .out());
    JsonNode none =
        JSON.readTree(
            cliA.ok(
                    "volume",
                    "replicate",
                    "default/huge",
                    "--to",
                    "b-lan",
                    "--json",
                    "--no-progress",
                    "--snapshot",
                    snap("default/huge", "s2"))
                .out());
    System.out.println("ReplicationIT: no-change incremental of a 2 TiB volume: " + none);
    assertEquals(0, none.get("chunks").asLong(), none.toString());
    assertEquals(1, none.get("rounds").asInt(), none.toString());
    assertTrue(none.get("seconds").asDouble() < 1.0, none.toString());
  }

  @Test
  void failOverThenFailBackOnline() throws Exception {
    cliA.ok("volume", "create", "default/vm", "--size", "32M");
    scribble("default/vm", 32 << 20, 256, 5, true);
    replicate("default/vm", "--snapshot", snap("default/vm", "s1"));
    // Site a goes down; b takes over, writes, and snapshots.
    cliB.ok("volume", "promote", "default/vm");
    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 7 1M 1M", uri(nbdB, "default/vm"))
        .ok();
    cliB.ok("snapshot", "create", "default/vm@s2");
    // Site a comes back, with a TLS listener of its own, and b replicates back.
    a.close();
    PeerSite siteA = PeerSite.prepare(tmp.resolve("a"), tmp.resolve("a.conf"), "a.invalid");
    int adminA = siteA.adminPort;
    a =
        new DaemonProcess(siteA.data)
            .start("--config", siteA.config.toString(), "--nbd-listen", "127.0.0.1:" + nbdA);
    Path token = PeerSite.tokenFile(tmp.resolve("token-a"));
    cliB.ok(
        "remote",
        "add",
        "a",
        "--url",
        "https://127.0.0.1:" + adminA,
        "--token-file",
        token.toString());
    Cli.Result refused =
        cliB.run(
            "volume", "replicate", "default/vm", "--to", "a", "--snapshot", "s2", "--no-progress");
    assertEquals(1, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("force"), refused.err());
    JsonNode back =
        JSON.readTree(
            cliB.ok(
                    "volume",
                    "replicate",
                    "default/vm",
                    "--to",
                    "a",
                    "--snapshot",
                    "s2",
                    "--force",
                    "--no-progress",
                    "--json")
                .out());
    assertTrue(back.get("chunks").asLong() < 256, "only what changed since s1 went back: " + back);
    assertEquals(sha(nbdB, "default/vm@s2"), sha(nbdA, "default/vm"));
    String show = cliA.ok("volume", "show", "default/vm", "--json").out();
    assertTrue(show.contains("\"replicaOf\" : \"default/vm#"), "a now follows b: " + show);
  }

  private String snap(String volume, String name) {
    cliA.ok("snapshot", "create", volume + "@" + name);
    return name;
  }
}
