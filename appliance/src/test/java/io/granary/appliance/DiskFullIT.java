package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import io.granary.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's data directory on a real, small file system that fills up (a size-limited
 * tmpfs): the pool's capacity is far above the disk's, so what stops the writes is the file
 * system itself (pack appends, journals, the index), not the pool's admission. Clients get
 * ENOSPC on a connection that goes on serving, the daemon stays up and serves every other
 * volume, deleting a volume and a GC still work, whatever a flush acknowledged reads back
 * (across a kill -9 and a restart on the still full disk), and once the file system grows,
 * writes work again and scrub finds nothing damaged.
 */
class DiskFullIT {
  private static final int MIB = 1 << 20;
  private static final long DISK = 96L * MIB;
  private static final int VM_MIB = 128;
  private static final String ENOSPC = "No space left on device";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Tmpfs disk;
  private DaemonProcess daemon;
  private Path config;
  private int port;
  private long verifiedBytes;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  private Path data() {
    return disk.path();
  }

  private Cli start() throws Exception {
    daemon =
        new DaemonProcess(data())
            .start(
                "--config",
                config.toString(),
                "--nbd-listen",
                "127.0.0.1:" + port,
                "--mount",
                data().resolve("mnt").toString());
    return new Cli(data());
  }

  /** Piece {@code i} of a volume: 1 MiB of incompressible bytes, in a file qemu-io can write. */
  private Path piece(String volume, int i) throws Exception {
    Path f = tmp.resolve("piece-" + volume.replace('/', '_') + "-" + i);
    if (!Files.exists(f)) {
      Files.write(f, TestData.random(volume.hashCode() * 10_000L + i, MIB));
    }
    return f;
  }

  /** The outcome of writing one piece and flushing it, in one NBD session. */
  private enum Outcome {
    ACKNOWLEDGED,
    NO_SPACE
  }

  /**
   * Writes piece {@code i} at MiB {@code i}, flushes, then reads in the same session: a
   * refusal must be ENOSPC and leave the connection serving.
   */
  private Outcome writePiece(String volume, int i) throws Exception {
    ExternalTool.Result r =
        ExternalTool.run(
            120,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -s " + piece(volume, i) + " " + (long) i * MIB + " 1M",
            "-c",
            "flush",
            "-c",
            "read 0 4k",
            uri(volume));
    String said = r.stdout() + r.stderr();
    assertTrue(said.contains("read 4096/4096 bytes"), "the session still serves: " + r);
    if (r.exit() == 0) {
      return Outcome.ACKNOWLEDGED;
    }
    assertTrue(
        said.contains(ENOSPC) && !said.contains("Input/output error"),
        "a refused write is ENOSPC, nothing else: " + r);
    return Outcome.NO_SPACE;
  }

  private byte[] export(String volume) throws Exception {
    Path out = tmp.resolve("export-" + volume.replace('/', '_'));
    Files.deleteIfExists(out);
    ExternalTool.run(120, "nbdcopy", uri(volume), out.toString()).ok();
    byte[] b = Files.readAllBytes(out);
    Files.delete(out);
    return b;
  }

  /** Compares every acknowledged piece; a refused one reads as zeroes or as the piece. */
  private void verify(String volume, List<Integer> acknowledged, List<Integer> refused)
      throws Exception {
    byte[] back = export(volume);
    for (int i : acknowledged) {
      assertArrayEquals(
          Files.readAllBytes(piece(volume, i)),
          Arrays.copyOfRange(back, i * MIB, (i + 1) * MIB),
          volume + " piece " + i);
    }
    for (int i : refused) {
      byte[] got = Arrays.copyOfRange(back, i * MIB, (i + 1) * MIB);
      assertTrue(
          Arrays.equals(got, new byte[MIB])
              || Arrays.equals(got, Files.readAllBytes(piece(volume, i))),
          volume + " refused piece " + i + " reads as it was or as written, nothing else");
    }
    verifiedBytes += (long) (acknowledged.size() + refused.size()) * MIB;
  }

  /** The same through the volume's file in the FUSE mount. */
  private void verifyFile(String volume, List<Integer> acknowledged) throws Exception {
    byte[] back = Files.readAllBytes(data().resolve("mnt").resolve(volume));
    for (int i : acknowledged) {
      assertArrayEquals(
          Files.readAllBytes(piece(volume, i)),
          Arrays.copyOfRange(back, i * MIB, (i + 1) * MIB),
          volume + " file, piece " + i);
    }
    verifiedBytes += (long) acknowledged.size() * MIB;
  }

  private static void assertScrubClean(Cli cli, String pool) throws Exception {
    JsonNode r = JSON.readTree(cli.ok("scrub", pool, "--json", "--no-progress").out());
    assertEquals(0, r.get("damaged").size(), "scrub of " + pool + ": " + r);
  }

  @Test
  void aFullDataDiskIsEnospcToClientsAndLosesNothing() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("qemu-io", "nbdcopy", "dd", "fusermount");
    disk = Tmpfs.mount(tmp.resolve("disk"), DISK);
    port = FreePort.pick();
    // Small, frequent flushes: data reaches the packs, so pack appends and index commits meet
    // the full disk as well as journal appends.
    config = tmp.resolve("granary.conf");
    Files.writeString(
        config,
        """
        [volumes]
        dirty-limit = "16M"
        volume-flush = "4M"
        flush-interval = "1s"
        """);
    Cli cli = start();
    cli.ok("pool", "create", "p", "--capacity", "1G");
    cli.ok("volume", "create", "p/keep", "--size", "16M");
    cli.ok("volume", "create", "p/spare", "--size", "16M");
    cli.ok("volume", "create", "p/vm", "--size", VM_MIB + "M");
    cli.ok("volume", "create", "default/other", "--size", "16M");
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      assertEquals(Outcome.ACKNOWLEDGED, writePiece("p/keep", i));
      assertEquals(Outcome.ACKNOWLEDGED, writePiece("p/spare", i));
      assertEquals(Outcome.ACKNOWLEDGED, writePiece("default/other", i));
      keep.add(i);
    }

    // Fill the disk through NBD, a flush after each piece, until it refuses three in a row.
    List<Integer> acknowledged = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    int refusedInARow = 0;
    int next = 0;
    while (refusedInARow < 3) {
      if (next >= VM_MIB) {
        fail("a " + DISK / MIB + " MiB disk took " + next + " MiB without filling up");
      }
      if (writePiece("p/vm", next) == Outcome.ACKNOWLEDGED) {
        acknowledged.add(next);
        refusedInARow = 0;
      } else {
        refused.add(next);
        refusedInARow++;
      }
      next++;
    }
    int ackedBeforeFull = acknowledged.size();
    int nbdRefusals = refused.size();
    assertTrue(ackedBeforeFull >= 32, "the disk took data before it was full: " + ackedBeforeFull);

    // Through the file: dd gets ENOSPC too.
    Path file = data().resolve("mnt/p/vm");
    ExternalTool.Result dd =
        ExternalTool.run(
            120,
            "dd",
            "if=" + piece("p/vm", next),
            "of=" + file,
            "bs=1M",
            "seek=" + next,
            "count=1",
            "conv=notrunc,fsync");
    assertTrue(dd.exit() != 0 && dd.stderr().contains(ENOSPC), "dd through FUSE: " + dd);

    // The daemon is up and serves every volume, of this pool and of another on the disk,
    // through NBD and through the files.
    cli.ok("volume", "list");
    verify("p/keep", keep, List.of());
    verify("default/other", keep, List.of());
    verify("p/vm", acknowledged, refused);
    verifyFile("p/keep", keep);

    // Maintenance works on the full disk: the index commits into its reserve.
    cli.ok("volume", "delete", "p/spare");
    JsonNode gc = JSON.readTree(cli.ok("gc", "p", "--json", "--no-progress").out());
    assertTrue(gc.get("chunksFreed").asLong() > 0, "the deleted volume's chunks: " + gc);
    assertScrubClean(cli, "p");

    // A crash while full, and a restart on the still full disk: recovery commits what the
    // killed daemon had appended, nothing acknowledged is lost, and the disk is still full.
    // Still full, not to the byte: a flush that failed cut its pack back, a journal segment
    // went once covered, so a piece's worth of room may come back, but not room for all of the
    // refused pieces (three at least).
    daemon.kill9();
    cli = start();
    verify("p/vm", acknowledged, refused);
    verify("p/keep", keep, List.of());
    for (int i : List.copyOf(refused)) {
      if (writePiece("p/vm", i) == Outcome.ACKNOWLEDGED) {
        acknowledged.add(i);
        refused.remove(Integer.valueOf(i));
      }
    }
    assertFalse(refused.isEmpty(), "still full: every refused piece fitted after the restart");

    // Room again: the file system grows; the refused writes now succeed.
    disk.resize(2 * DISK);
    for (int i : refused) {
      assertEquals(Outcome.ACKNOWLEDGED, writePiece("p/vm", i), "piece " + i);
      acknowledged.add(i);
    }
    ExternalTool.run(
            120,
            "dd",
            "if=" + piece("p/vm", next),
            "of=" + file,
            "bs=1M",
            "seek=" + next,
            "count=1",
            "conv=notrunc,fsync")
        .ok();
    acknowledged.add(next);
    assertScrubClean(cli, "p");
    assertScrubClean(cli, "default");

    // A clean stop and a restart show the same bytes.
    daemon.stop();
    cli = start();
    verify("p/vm", acknowledged, List.of());
    verify("p/keep", keep, List.of());
    verify("default/other", keep, List.of());
    assertScrubClean(cli, "p");
    assertScrubClean(cli, "default");
    System.out.println(
        "DiskFullIT: a "
            + DISK / MIB
            + " MiB tmpfs data disk filled after "
            + ackedBeforeFull
            + " MiB acknowledged through NBD; faults: "
            + nbdRefusals
            + " writes refused with ENOSPC through NBD (qemu-io), 1 through FUSE (dd), 1 more through"
            + " NBD after a kill -9 and a restart on the full disk; 0 EIO, 0 dropped connections;"
            + " delete + gc freed "
            + gc.get("chunksFreed").asLong()
            + " chunks on the full disk; "
            + verifiedBytes
            + " bytes verified; scrub clean");
  }
}
