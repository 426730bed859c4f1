package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.appliance.cli.Granary;
import io.granary.appliance.daemon.Granaryd;
import io.granary.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real granaryd in its own JVM: the volume life cycle, images in and out
 * with checksums, a restart that keeps every byte, a second daemon refused, and the messages
 * and exit codes of bad input.
 */
class ApplianceIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path data;
  private DaemonProcess daemon;
  private Cli cli;

  @BeforeEach
  void start() throws Exception {
    data = tmp.resolve("data");
    daemon = new DaemonProcess(data).start();
    cli = new Cli(data);
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  private JsonNode json(String... args) throws Exception {
    String[] withJson = Arrays.copyOf(args, args.length + 1);
    withJson[args.length] = "--json";
    return JSON.readTree(cli.ok(withJson).out());
  }

  @Test
  void volumesSnapshotsClonesRollbackAndARestartThatKeepsEverything() throws Exception {
    cli.ok("volume", "create", "default/vm1", "--size", "64M");
    JsonNode list = json("volume", "list");
    assertEquals(1, list.size());
    assertEquals("vm1", list.get(0).get("name").asText());
    assertEquals(64L << 20, list.get(0).get("size").asLong());
    // The README's form, --data before the noun (Cli adds its own after the verb; not here).
    ByteArrayOutputStream listed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try {
      System.setOut(new PrintStream(listed, true, StandardCharsets.UTF_8));
      assertEquals(
          0, Granary.commandLine().execute("--data", data.toString(), "volume", "list", "-H"));
    } finally {
      System.setOut(stdout);
    }
    assertTrue(
        listed.toString(StandardCharsets.UTF_8).startsWith("default/vm1\t64M\t"),
        listed.toString());

    Path image = tmp.resolve("disk.raw");
    writeImage(image, 64L << 20, 1);
    Path before = tmp.resolve("vm1-before.raw");
    cli.ok("volume", "delete", "default/vm1");
    cli.ok("import", image.toString(), "default/vm1");
    cli.ok("snapshot", "create", "default/vm1@golden");
    cli.ok("export", "default/vm1", before.toString());
    assertEquals(sha256(image), sha256(before), "an import exports back byte for byte");
    assertTrue(Files.size(before) == 64L << 20);

    cli.ok("volume", "clone", "default/vm1@golden", "default/vm2");
    // The CLI writes no data; a shrink destroys the second half, which the rollback restores.
    cli.ok("volume", "resize", "default/vm1", "--size", "32M");
    assertEquals(
        32L << 20, json("volume", "show", "default/vm1").get("volume").get("size").asLong());
    cli.ok("snapshot", "rollback", "default/vm1@golden");
    assertEquals(
        64L << 20, json("volume", "show", "default/vm1").get("volume").get("size").asLong());
    Path afterRollback = tmp.resolve("vm1-rolled.raw");
    cli.ok("export", "default/vm1", afterRollback.toString());
    assertEquals(sha256(image), sha256(afterRollback), "rollback restores the snapshot's bytes");

    JsonNode snaps = json("snapshot", "list", "default/vm1");
    assertEquals("golden", snaps.get(0).get("name").asText());
    assertEquals(
        "vm1@golden", json("volume", "show", "default/vm2").get("volume").get("origin").asText());

    // A clean stop, a restart, and every pool, volume, snapshot and byte as before.
    assertEquals(143, daemon.stop(), "SIGTERM: the JVM's exit after a clean stop");
    assertTrue(Files.readString(daemon.log).contains("stopped cleanly"));
    daemon = new DaemonProcess(data).start();
    assertEquals(2, json("volume", "list").size());
    assertEquals("golden", json("snapshot", "list", "default/vm1").get(0).get("name").asText());
    Path afterRestart = tmp.resolve("vm2-restarted.raw");
    cli.ok("export", "default/vm2", afterRestart.toString());
    assertEquals(sha256(image), sha256(afterRestart), "a clone's bytes survive a restart");

    // Deleting: refused with snapshots unless -r; a dry run changes nothing.
    Cli.Result busy = cli.run("volume", "delete", "default/vm1");
    assertEquals(1, busy.exit());
    assertTrue(busy.err().startsWith("granary: cannot delete volume default/vm1: "), busy.err());
    assertTrue(
        cli.ok("volume", "delete", "-n", "-r", "default/vm1").out().contains("would delete"));
    assertEquals(2, json("volume", "list").size());
    cli.ok("volume", "delete", "-r", "default/vm1");
    cli.ok("volume", "delete", "default/vm2");
    assertEquals(0, json("volume", "list").size());
    JsonNode gc = json("gc");
    assertTrue(gc.get("chunksFreed").asLong() > 0, gc.toString());
  }

  @Test
  void aSecondDaemonOnTheSameDataIsRefused() throws Exception {
    Path log = tmp.resolve("second.log");
    Process second =
        ChildJvm.startLogged(
            Granaryd.class,
            log,
            "--data",
            data.toString(),
            "--mount",
            "none",
            "--nbd-listen",
            "none");
    assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, second.exitValue());
    String out = Files.readString(log);
    assertTrue(out.contains("granaryd: cannot start: another granaryd (pid "), out);
    assertEquals(0, cli.run("pool", "list").exit(), "the first one is undisturbed");
  }

  @Test
  void badInputGetsAClearMessageAndTheRightExitCode() throws Exception {
    Cli.Result badName = cli.run("volume", "create", "default/.hidden", "--size", "1G");
    assertEquals(2, badName.exit());
    assertTrue(badName.err().contains("invalid volume name"), badName.err());
    Cli.Result badSize = cli.run("volume", "create", "default/vm", "--size", "lots");
    assertEquals(2, badSize.exit());
    assertTrue(badSize.err().contains("is not a size"), badSize.err());
    Cli.Result noVerb = cli.run("volume");
    assertEquals(2, noVerb.exit());

    Cli.Result missing = cli.run("volume", "show", "default/nope");
    assertEquals(1, missing.exit());
    assertEquals(
        "granary: cannot show volume default/nope: volume nope does not exist\n", missing.err());
    Cli.Result noPool = cli.run("volume", "create", "tank/vm", "--size", "1G");
    assertEquals(1, noPool.exit());
    assertTrue(noPool.err().contains("pool tank does not exist"), noPool.err());
    Cli.Result noSnap = cli.run("snapshot", "rollback", "default/nope@s");
    assertEquals(1, noSnap.exit());

    cli.ok("volume", "create", "default/vm", "--size", "1G");
    Cli.Result twice = cli.run("volume", "create", "default/vm", "--size", "1G");
    assertEquals(1, twice.exit());
    assertTrue(twice.err().contains("already exists"), twice.err());
    Cli.Result noImage = cli.run("import", tmp.resolve("absent.raw").toString(), "default/x");
    assertEquals(1, noImage.exit());
    assertTrue(noImage.err().contains("no image file at"), noImage.err());
    assertTrue(noImage.out().isEmpty(), "errors never go to stdout");

    Cli.Result unreachable = new Cli(tmp.resolve("nowhere")).run("volume", "list");
    assertEquals(1, unreachable.exit());
    assertTrue(unreachable.err().contains("cannot reach granaryd"), unreachable.err());
  }

  @Test
  void poolsAndProfilesLiveInTheirOwnDirectoriesAndState() throws Exception {
    Path disk2 = tmp.resolve("disk2/tank");
    cli.ok("profile", "create", "gold", "--codec", "zstd:3", "--iops", "500");
    cli.ok(
        "pool",
        "create",
        "tank",
        "--path",
        disk2.toString(),
        "--capacity",
        "4G",
        "--profile",
        "gold");
    cli.ok("volume", "create", "tank/db", "--size", "10G");
    assertEquals("gold", json("volume", "show", "tank/db").get("volume").get("profile").asText());
    assertTrue(Files.isDirectory(disk2.resolve("store")));
    Cli.Result inUse = cli.run("profile", "delete", "gold");
    assertEquals(1, inUse.exit());
    JsonNode pools = json("pool", "list");
    assertEquals(2, pools.size());
    assertEquals(2, cli.ok("pool", "list", "-H").out().lines().count());
    assertEquals(500, json("profile", "show", "gold").get("iops").asInt());
    assertEquals(1, cli.run("pool", "delete", "tank").exit(), "a pool with volumes needs -r");
    cli.ok("pool", "delete", "-r", "tank");
    assertTrue(!Files.exists(disk2));
    cli.ok("profile", "delete", "gold");
    assertNotEquals(0, cli.run("pool", "delete", "default").exit());
  }

  private static void writeImage(Path file, long size, long seed) throws Exception {
    byte[] chunk = new byte[1 << 20];
    Random r = new Random(seed);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
      for (long off = 0; off < size; off += 4L << 20) { // data every 4 MiB, holes between
        r.nextBytes(chunk);
        f.seek(off);
        f.write(chunk);
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
