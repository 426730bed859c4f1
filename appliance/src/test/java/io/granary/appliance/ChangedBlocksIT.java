package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changed blocks for backup tools over standard NBD, with real clients against a real daemon:
 * {@code qemu:dirty-bitmap:A} on {@code POOL/VOL@B} as nbdinfo and qemu-img read it, equal to
 * {@code granary snapshot diff}; an incremental backup with nbdcopy of the dirty extents
 * restores byte-exact; {@code qemu:allocation-depth} on a clone.
 */
class ChangedBlocksIT {
  private static final long MIB = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;
  private Cli cli;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("nbdinfo", "nbdcopy", "qemu-io", "qemu-img", "qemu-nbd");
    port = FreePort.pick();
    daemon = new DaemonProcess(tmp.resolve("data")).start("--nbd-listen", "127.0.0.1:" + port);
    cli = new Cli(tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  private void qemuIo(String export, String... commands) throws Exception {
    List<String> args = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (String c : commands) {
      args.add("-c");
      args.add(c);
    }
    args.add(uri(export));
    ExternalTool.run(60, args.toArray(String[]::new)).ok();
  }

  /** Snapshot a, then changes of every kind, then snapshot b. */
  private void twoSnapshots() throws Exception {
    cli.ok("volume", "create", "default/vm", "--size", "64M");
    qemuIo("default/vm", "write -P 0x11 0 8M", "write -P 0x22 16M 4M");
    cli.ok("snapshot", "create", "default/vm@a");
    qemuIo(
        "default/vm",
        "write -P 0x33 2M 1M", // new data: dirty
        "write -P 0x11 4M 1M", // the same bytes again: clean
        "discard 30M 2M", // a trim of a hole: clean
        "write -z 40M 1M", // zeroes over a hole: clean
        "discard 17M 1M", // a trim of data: dirty
        "write -P 0x44 50M 512k", // dirty
        "write -P 0x55 6M 1M", // written and set back: clean
        "write -P 0x11 6M 1M");
    cli.ok("snapshot", "create", "default/vm@b");
  }

  @Test
  void theDirtyBitmapIsTheDiffByteForByte() throws Exception {
    twoSnapshots();
    String nbdinfo =
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:a", uri("default/vm@b"))
            .ok()
            .stdout();
    String diff = cli.ok("snapshot", "diff", "default/vm@a", "default/vm@b", "--map").out();
    assertEquals(diff, nbdinfo);
    assertEquals(
        toText(List.of(range(2 * MIB, MIB), range(17 * MIB, MIB), range(50 * MIB, MIB / 2))),
        toText(dirty(nbdinfo)),
        nbdinfo);

    // The single-bitmap form offers exactly that bitmap, with the same content.
    String one = ExternalTool.run(60, "nbdinfo", uri("default/vm@b~a")).ok().stdout();
    assertEquals(1, count(one, "qemu:dirty-bitmap:"), one);
    assertTrue(one.contains("qemu:allocation-depth"), one);
    assertEquals(
        nbdinfo,
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:a", uri("default/vm@b~a"))
            .ok()
            .stdout());
    String all = ExternalTool.run(60, "nbdinfo", uri("default/vm@b")).ok().stdout();
    assertTrue(all.contains("qemu:dirty-bitmap:a"), all);
    assertFalse(all.contains("qemu:dirty-bitmap:b"), "only older snapshots: " + all);
    String head = ExternalTool.run(60, "nbdinfo", uri("default/vm")).ok().stdout();
    assertEquals(0, count(head, "qemu:"), "a live volume offers none: " + head);
    assertNotEquals(
        0,
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:a", uri("default/vm@a~b")).exit(),
        "b is not older than a");

    // qemu-img reads a bitmap through x-dirty-bitmap, reporting dirty as "data": false.
    String map =
        ExternalTool.run(
                60,
                "qemu-img",
                "map",
                "--output=json",
                "--image-opts",
                "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port="
                    + port
                    + ",export=default/vm@b,x-dirty-bitmap=qemu:dirty-bitmap:a")
            .ok()
            .stdout();
    List<long[]> dirtyByQemu = new ArrayList<>();
    for (JsonNode e : JSON.readTree(map)) {
      if (!e.get("data").asBoolean()) {
        add(dirtyByQemu, e.get("start").asLong(), e.get("length").asLong());
      }
    }
    assertEquals(toText(dirty(nbdinfo)), toText(dirtyByQemu), map);
  }

  @Test
  void aVolumeLargerThanOneRequestMapsTheSame() throws Exception {
    // BLOCK_STATUS lengths are 32-bit: nbdinfo asks for a 10 GiB volume in several requests.
    cli.ok("volume", "create", "default/big", "--size", "10G");
    qemuIo("default/big", "write -P 0x11 1M 1M", "write -P 0x22 9G 1M");
    cli.ok("snapshot", "create", "default/big@x");
    qemuIo("default/big", "write -P 0x33 5G 2M", "write -P 0x44 9G 64k");
    cli.ok("snapshot", "create", "default/big@y");
    String nbdinfo =
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:x", uri("default/big@y"))
            .ok()
            .stdout();
    assertEquals(
        cli.ok("snapshot", "diff", "default/big@x", "default/big@y", "--map").out(), nbdinfo);
    assertEquals(
        toText(List.of(range(5L << 30, 2 * MIB), range(9L << 30, 64 << 10))),
        toText(dirty(nbdinfo)),
        nbdinfo);
  }

  @Test
  void anIncrementalBackupOfTheDirtyExtentsWithNbdcopyRestoresByteExact() throws Exception {
    twoSnapshots();
    Path backup = tmp.resolve("backup.raw");
    ExternalTool.run(120, "nbdcopy", uri("default/vm@a"), backup.toString()).ok();
    Path truth = tmp.resolve("b.raw");
    ExternalTool.run(120, "nbdcopy", uri("default/vm@b"), truth.toString()).ok();
    assertFalse(
        Arrays.equals(Files.readAllBytes(backup), Files.readAllBytes(truth)),
        "the full backup of a differs from b");

    // What a backup tool does: ask for the dirty extents, copy only those into the backup.
    String map =
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:a", uri("default/vm@b~a"))
            .ok()
            .stdout();
    for (long[] r : dirty(map)) {
      String window = "driver=raw,offset=" + r[0] + ",size=" + r[1];
      ExternalTool.run(
              120,
              "nbdcopy",
              "--",
              "[",
              "qemu-nbd",
              "-r",
              "--image-opts",
              window
                  + ",file.driver=nbd,file.server.type=inet,file.server.host=127.0.0.1"
                  + ",file.server.port="
                  + port
                  + ",file.export=default/vm@b~a",
              "]",
              "[",
              "qemu-nbd",
              "--image-opts",
              window + ",file.driver=file,file.filename=" + backup,
              "]")
          .ok();
    }
    assertArrayEquals(Files.readAllBytes(truth), Files.readAllBytes(backup));
  }

  @Test
  void allocationDepthOfACloneAndBitmapsAcrossItsOrigin() throws Exception {
    cli.ok("volume", "create", "default/gold", "--size", "16M");
    qemuIo("default/gold", "write -P 0x11 0 4M");
    cli.ok("snapshot", "create", "default/gold@v1");
    cli.ok("volume", "clone", "default/gold@v1", "vm1");
    qemuIo("default/vm1", "write -P 0x22 1M 1M", "discard 3M 1M", "write -P 0x33 8M 1M");
    cli.ok("snapshot", "create", "default/vm1@s1");
    String depth =
        ExternalTool.run(60, "nbdinfo", "--map=qemu:allocation-depth", uri("default/vm1@s1"))
            .ok()
            .stdout();
    assertEquals(
        List.of(
            line(0, MIB, 2, "backing depth 2"),
            line(MIB, MIB, 1, "local"),
            line(2 * MIB, MIB, 2, "backing depth 2"),
            line(3 * MIB, MIB, 1, "local"),
            line(4 * MIB, 4 * MIB, 0, "absent"),
            line(8 * MIB, MIB, 1, "local"),
            line(9 * MIB, 7 * MIB, 0, "absent")),
        depth.lines().toList(),
        depth);
    // The origin snapshot is in the clone snapshot's lineage, named VOLUME@SNAP.
    String fromGold =
        ExternalTool.run(60, "nbdinfo", "--map=qemu:dirty-bitmap:gold@v1", uri("default/vm1@s1"))
            .ok()
            .stdout();
    assertEquals(
        toText(List.of(range(MIB, MIB), range(3 * MIB, MIB), range(8 * MIB, MIB))),
        toText(dirty(fromGold)));
    assertEquals(
        fromGold, cli.ok("snapshot", "diff", "default/gold@v1", "default/vm1@s1", "--map").out());
  }

  private static String line(long offset, long length, int type, String description) {
    return String.format("%10d  %10d  %3d  %s", offset, length, type, description);
  }

  private static long[] range(long offset, long length) {
    return new long[] {offset, length};
  }

  /** The dirty extents of an {@code nbdinfo --map} output, adjacent ones merged. */
  private static List<long[]> dirty(String map) {
    List<long[]> out = new ArrayList<>();
    for (String l : map.lines().toList()) {
      String[] f = l.trim().split("\\s+");
      if (f[2].equals("1")) {
        add(out, Long.parseLong(f[0]), Long.parseLong(f[1]));
      }
    }
    return out;
  }

  private static void add(List<long[]> ranges, long offset, long length) {
    long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
    if (last != null && last[0] + last[1] == offset) {
      last[1] += length;
    } else {
      ranges.add(range(offset, length));
    }
  }

  private static int count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1;
  }

  private static List<String> toText(List<long[]> ranges) {
    return ranges.stream().map(r -> r[0] + "+" + r[1]).toList();
  }
}
