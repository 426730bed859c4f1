package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.dedupe.api.Directories;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * granaryd with both front ends on the same volumes, on a local pool and on one whose packs are
 * in a bucket: what NBD writes the file shows at once and the other way round, a volume's file
 * and its snapshot's read-only file read back byte for byte after a restart (from the bucket,
 * the cache emptied), a volume an NBD client holds cannot be removed, and kill -9 leaves no dead
 * mount behind.
 */
class FuseDaemonIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private TestBucket bucket;
  private int port;
  private Path mnt;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  /** The pool of {@code medium}, created (with its bucket) the first time. */
  private String pool(PoolMedium medium, Cli cli) throws Exception {
    if (medium == PoolMedium.LOCAL) {
      return "default";
    }
    if (bucket == null) {
      bucket = TestBucket.start(tmp);
      cli.ok(bucket.create("remote", "10G", null));
    }
    return "remote";
  }

  private Cli start() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "qemu-io", "nbdcopy");
    if (port == 0) {
      port = FreePort.pick();
      mnt = tmp.resolve("mnt");
    }
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--nbd-listen", "127.0.0.1:" + port, "--mount", mnt.toString());
    assertTrue(mounted(), "granaryd mounted " + mnt);
    return new Cli(tmp.resolve("data"));
  }

  private boolean mounted() throws Exception {
    return Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " ");
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  @ParameterizedTest
  @EnumSource(PoolMedium.class)
  void nbdAndTheFileSeeEachOthersWritesAtOnce(PoolMedium medium) throws Exception {
    Cli cli = start();
    String vm = pool(medium, cli) + "/vm";
    cli.ok("volume", "create", vm, "--size", "16M");
    Path file = mnt.resolve(vm);

    ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x6b 1M 64k", uri(vm)).ok();
    byte[] seen = new byte[65536];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.seek(1 << 20);
      f.readFully(seen);
    }
    byte[] expected = new byte[65536];
    Arrays.fill(expected, (byte) 0x6b);
    assertArrayEquals(expected, seen, "an NBD write, read through the file");

    byte[] data = TestData.random(5, 65536);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(4 << 20);
      f.write(data);
    }
    Path copy = tmp.resolve("copy.raw");
    ExternalTool.run(60, "nbdcopy", uri(vm), copy.toString()).ok();
    byte[] disk = Files.readAllBytes(copy);
    assertArrayEquals(
        data, Arrays.copyOfRange(disk, 4 << 20, (4 << 20) + 65536), "a file write, read over NBD");
  }

  /**
   * A volume written through its file (fsync), a snapshot taken, the file written again: the
   * file and the snapshot's file read back what each should, the snapshot's file refuses
   * writes, and both read the same after a restart, which on a bucket pool means from the
   * bucket: every pack uploaded, the spool and the cache empty.
   */
  @ParameterizedTest
  @EnumSource(PoolMedium.class)
  void theFileAndItsSnapshotsFileReadBackAfterARestart(PoolMedium medium) throws Exception {
    Cli cli = start();
    String pool = pool(medium, cli);
    cli.ok("volume", "create", pool + "/vm", "--size", "32M");
    Path file = mnt.resolve(pool + "/vm");
    byte[] volume = new byte[32 * MIB];
    writeThroughTheFile(file, volume, 0, TestData.random(11, 24 * MIB));
    cli.ok("snapshot", "create", pool + "/vm@s1");
    byte[] snapshot = volume.clone();
    writeThroughTheFile(file, volume, 8 * MIB + 4096, TestData.random(12, 4 * MIB + 100));
    Path snapshotFile = mnt.resolve(pool + "/.snapshots/vm/s1");
    assertArrayEquals(volume, Files.readAllBytes(file), "the volume's file");
    assertArrayEquals(snapshot, Files.readAllBytes(snapshotFile), "the snapshot's file");
    assertThrows(
        IOException.class,
        () -> {
          try (RandomAccessFile f = new RandomAccessFile(snapshotFile.toFile(), "rw")) {
            f.write(1);
          }
        },
        "a snapshot's file is read-only");

    daemon.stop();
    if (medium == PoolMedium.BUCKET) {
      start(); // seals the last pack, which then goes up
      TestBucket.uploaded(cli, pool);
      daemon.stop();
      Path store = tmp.resolve("data/pools/" + pool + "/store");
      try (var spooled = Files.list(store.resolve("packs"))) {
        assertEquals(
            List.of(), spooled.filter(p -> p.toString().endsWith(".pack")).toList(), "spooled");
      }
      Directories.deleteTree(store.resolve("pack-cache"));
    }
    cli = start();
    assertArrayEquals(volume, Files.readAllBytes(file), "the volume's file after a restart");
    assertArrayEquals(
        snapshot, Files.readAllBytes(snapshotFile), "the snapshot's file after a restart");
    if (medium == PoolMedium.BUCKET) {
      JsonNode store =
          new ObjectMapper()
              .readTree(cli.ok("pool", "show", pool, "--json").out())
              .get("objectStore");
      assertTrue(store.get("requests").get("get").asLong() > 0, "read from the bucket: " + store);
    }
  }

  /** Writes {@code data} at {@code offset} through the file and fsyncs; {@code image} follows. */
  private static void writeThroughTheFile(Path file, byte[] image, int offset, byte[] data)
      throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(data);
      f.getFD().sync();
    }
    System.arraycopy(data, 0, image, offset, data.length);
  }

  @Test
  void aVolumeAnNbdClientHoldsCannotBeRemoved() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/held", "--size", "1M");
    // qemu-io keeps its NBD connection while it waits for commands on stdin.
    Process client =
        new ProcessBuilder("qemu-io", "-f", "raw", uri("default/held"))
            .redirectErrorStream(true)
            .start();
    try {
      // Wait until the export is open (a connection still in its handshake holds nothing).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!cli.ok("volume", "show", "default/held", "--json")
          .out()
          .matches("(?s).*\"openHandles\" ?: ?1.*")) {
        assertTrue(System.nanoTime() < deadline, "qemu-io did not open the export");
        Thread.sleep(50);
      }
      var rm = ExternalTool.run(30, "rm", mnt.resolve("default/held").toString());
      assertTrue(rm.exit() != 0 && rm.stderr().contains("Device or resource busy"), rm.stderr());
    } finally {
      client.getOutputStream().close();
      client.waitFor();
    }
    // The server releases the export when it sees the connection close: wait for that.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (cli.ok("volume", "show", "default/held", "--json")
        .out()
        .matches("(?s).*\"openHandles\" ?: ?[1-9].*")) {
      assertTrue(System.nanoTime() < deadline, "the export stayed open after qemu-io left");
      Thread.sleep(50);
    }
    ExternalTool.run(30, "rm", mnt.resolve("default/held").toString()).ok();
    assertFalse(Files.exists(mnt.resolve("default/held")));
  }

  @Test
  void kill9LeavesNoDeadMountAndARestartMountsAgain() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/vm", "--size", "1M");
    daemon.kill9();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (mounted() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(mounted(), "auto_unmount removed the mount of the killed daemon");
    start();
    assertTrue(Files.exists(mnt.resolve("default/vm")));
  }
}
