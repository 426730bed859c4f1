package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool that reaches its capacity: writes fail with ENOSPC through NBD (qemu-io) and through
 * the file (dd), what was acknowledged before reads back intact, scrub finds nothing damaged,
 * and once space is freed (delete + gc) writes work again.
 */
class PoolFullIT {
  private static final int MIB = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  /** 1 MiB pieces of incompressible data, each different, in files qemu-io can write. */
  private List<Path> pieces(int n, long seed) throws Exception {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path f = tmp.resolve("piece-" + seed + "-" + i);
      Files.write(f, TestData.random(seed * 1000 + i, MIB));
      out.add(f);
    }
    return out;
  }

  /** Writes each piece at its MiB offset, one qemu-io command each; returns how many succeeded. */
  private int writeUntilFull(String export, List<Path> pieces) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (int i = 0; i < pieces.size(); i++) {
      cmd.addAll(List.of("-c", "write -s " + pieces.get(i) + " " + (long) i * MIB + " 1M"));
    }
    cmd.add(uri(export));
    ExternalTool.Result r = ExternalTool.run(300, cmd.toArray(String[]::new));
    int wrote = (int) r.stdout().lines().filter(l -> l.startsWith("wrote ")).count();
    assertTrue(
        r.stdout().contains("No space left on device")
            || r.stderr().contains("No space left on device"),
        "qemu-io was told ENOSPC: " + r);
    return wrote;
  }

  @Test
  void aFullPoolRefusesWritesWithEnospcAndLosesNothing() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("qemu-io", "nbdcopy", "dd", "fusermount");
    port = FreePort.pick();
    Path mnt = tmp.resolve("mnt");
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--nbd-listen", "127.0.0.1:" + port, "--mount", mnt.toString());
    Cli cli = new Cli(tmp.resolve("data"));
    cli.ok("pool", "create", "tiny", "--capacity", "32M");
    cli.ok("volume", "create", "tiny/filler", "--size", "64M");
    cli.ok("volume", "create", "tiny/vm", "--size", "64M");

    List<Path> filler = pieces(16, 1);
    ExternalTool.run(120, "nbdcopy", concat(filler).toString(), uri("tiny/filler")).ok();
    List<Path> vm = pieces(24, 2);
    int wrote = writeUntilFull("tiny/vm", vm);
    assertTrue(wrote >= 8 && wrote < 24, "some writes fit, then the pool was full: " + wrote);
    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "flush", uri("tiny/vm")).ok();

    JsonNode pool = JSON.readTree(cli.ok("pool", "show", "tiny", "--json").out());
    assertTrue(pool.get("storedBytes").asLong() <= 32L * MIB + MIB, pool.toString());
    assertTrue(List.of("critical", "full").contains(pool.get("alert").asText()), pool.toString());

    // Through the file: dd gets ENOSPC too.
    Path file = mnt.resolve("tiny/vm");
    ExternalTool.Result dd =
        ExternalTool.run(
            120,
            "dd",
            "if=" + vm.get(23),
            "of=" + file,
            "bs=1M",
            "seek=40",
            "count=1",
            "conv=notrunc,fsync",
            "iflag=fullblock");
    assertNotEquals(0, dd.exit(), "dd through FUSE fails: " + dd);
    assertTrue(dd.stderr().contains("No space left on device"), dd.stderr());

    // Everything acknowledged reads back; nothing is damaged.
    byte[] back = Files.readAllBytes(exported("tiny/vm"));
    for (int i = 0; i < wrote; i++) {
      assertArrayEquals(
          Files.readAllBytes(vm.get(i)),
          Arrays.copyOfRange(back, i * MIB, (i + 1) * MIB),
          "piece " + i);
    }
    assertArrayEquals(
        Files.readAllBytes(concat(filler)),
        Arrays.copyOf(Files.readAllBytes(exported("tiny/filler")), 16 * MIB));
    assertScrubClean(cli);

    // Space freed: writes work again.
    cli.ok("volume", "delete", "tiny/filler");
    cli.ok("gc", "tiny");
    ExternalTool.run(
            60,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -s " + vm.get(wrote) + " " + (long) wrote * MIB + " 1M",
            "-c",
            "flush",
            uri("tiny/vm"))
        .ok();
    ExternalTool.run(
            120,
            "dd",
            "if=" + vm.get(23),
            "of=" + file,
            "bs=1M",
            "seek=40",
            "count=1",
            "conv=notrunc,fsync")
        .ok();
    back = Files.readAllBytes(exported("tiny/vm"));
    assertArrayEquals(Files.readAllBytes(vm.get(23)), Arrays.copyOfRange(back, 40 * MIB, 41 * MIB));
    assertScrubClean(cli);
  }

  private Path concat(List<Path> pieces) throws Exception {
    Path out = tmp.resolve("concat-" + pieces.get(0).getFileName());
    if (!Files.exists(out)) {
      try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
        for (Path p : pieces) {
          f.write(Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  private Path exported(String export) throws Exception {
    Path out = tmp.resolve("export-" + export.replace('/', '_') + "-" + System.nanoTime());
    ExternalTool.run(120, "nbdcopy", uri(export), out.toString()).ok();
    return out;
  }

  private static void assertScrubClean(Cli cli) throws Exception {
    JsonNode r = JSON.readTree(cli.ok("scrub", "tiny", "--json").out());
    String text = r.toString();
    assertTrue(text.contains("\"damaged\":[]"), "scrub found nothing damaged: " + text);
  }
}
