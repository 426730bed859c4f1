package io.granary.nbd;

import static io.granary.nbd.testing.NbdClients.at;
import static io.granary.nbd.testing.NbdClients.map;
import static io.granary.nbd.testing.NbdClients.randomFile;
import static io.granary.nbd.testing.NbdClients.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.NbdServer;
import io.granary.nbd.testing.NbdClients.MapEntry;
import io.granary.nbd.testing.TestExports;
import io.granary.testing.ExternalTool;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's own NBD client (qemu-img, qemu-io): images in and compared back, patterns written and
 * verified, zeroing, discard and flush seen through block status, and read-only snapshots.
 */
class QemuClientsIT {
  private static final long SIZE = 64L << 20;
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private TestExports exports;
  private NbdServer server;
  private String vol;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("qemu-img", "qemu-io", "nbdinfo");
    exports = new TestExports(tmp.resolve("pool"));
    exports.create("vol", SIZE);
    server = exports.serve();
    vol = TestExports.uri(server, "test/vol");
  }

  @AfterEach
  void stop() throws Exception {
    if (exports != null) {
      exports.close();
    }
  }

  @Test
  void anImageConvertedInComparesIdenticalUntilOneByteChanges() throws Exception {
    Path image = randomFile(tmp.resolve("image.raw"), SIZE, 7);

    run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), vol).ok();
    ExternalTool.Result same = compare(image);
    assertEquals(0, same.exit(), same.stdout() + same.stderr());
    assertTrue(same.stdout().contains("Images are identical"), same.stdout());

    long offset = 12345;
    int flipped = ~readByte(image, offset) & 0xff;
    qemuIo(vol, "write -P " + flipped + " " + offset + " 1").ok();
    ExternalTool.Result changed = compare(image);
    assertEquals(
        1,
        changed.exit(),
        "qemu-img compare exits 1 when the images differ: " + changed.stdout() + changed.stderr());
    // qemu-img compare names the 512-byte sector that differs.
    assertTrue(
        changed.stdout().contains("Content mismatch at offset " + offset / 512 * 512),
        changed.stdout());
  }

  @Test
  void patternsVerifyAndAWrongPatternFails() throws Exception {
    qemuIo(
            vol,
            "write -P 0xab 0 1M",
            "write -P 0xcd 1M 64k",
            "flush",
            "read -P 0xab 0 1M",
            "read -P 0xcd 1M 64k")
        .ok();

    ExternalTool.Result wrong = qemuIo(vol, "read -P 0xee 0 4k");
    assertNotEquals(0, wrong.exit(), "a pattern that was never written must not verify");
    assertTrue(
        (wrong.stdout() + wrong.stderr()).contains("Pattern verification failed"),
        wrong.stdout() + wrong.stderr());
  }

  @Test
  void zeroedAndDiscardedRangesReadAsZeroAndMapAsHoles() throws Exception {
    qemuIo(vol, "write -P 0xab 0 4M", "write -z 1M 1M", "discard 2M 1M", "flush").ok();
    qemuIo(vol, "read -P 0xab 0 1M", "read -P 0 1M 2M", "read -P 0xab 3M 1M").ok();

    List<MapEntry> map = map(vol);
    assertCovers(map, SIZE);
    assertEquals("data", at(map, 0).description(), map.toString());
    assertEquals(MIB, at(map, 0).end(), "written data ends where the zeroing starts: " + map);
    MapEntry holes = at(map, MIB);
    assertEquals(3, holes.type(), map.toString());
    assertEquals("hole,zero", holes.description(), map.toString());
    assertEquals(3 * MIB, holes.end(), "the zeroed then the discarded MiB: " + map);
    assertEquals("data", at(map, 3 * MIB).description(), map.toString());
    assertEquals(4 * MIB, at(map, 3 * MIB).end(), map.toString());
    assertEquals("hole,zero", at(map, 4 * MIB).description(), "never written: " + map);
  }

  @Test
  void aSnapshotRefusesWritesAndKeepsTheDataOfItsTime() throws Exception {
    qemuIo(vol, "write -P 0x11 0 1M").ok();
    exports.volumes().snapshot("vol", "snap");
    qemuIo(vol, "write -P 0x22 0 1M").ok();
    String snap = TestExports.uri(server, "test/vol@snap");

    ExternalTool.Result write = qemuIo(snap, "write 0 4k");
    // The server says READ_ONLY, so QEMU will not even open the export for writing.
    assertNotEquals(0, write.exit(), "a snapshot export is read-only: " + write.stdout());
    assertTrue(write.stderr().contains("Permission denied"), write.stderr());
    qemuIo(snap, "-r", "read -P 0x11 0 1M").ok();
    qemuIo(vol, "-r", "read -P 0x22 0 1M").ok();
  }

  private static int readByte(Path file, long offset) throws Exception {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      return b.get(0) & 0xff;
    }
  }

  private ExternalTool.Result compare(Path image) throws Exception {
    return run("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), vol);
  }

  /** {@code qemu-io -f raw [-r] -c CMD... URI}; a command starting with {@code -} is an option. */
  private static ExternalTool.Result qemuIo(String uri, String... commands) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (String c : commands) {
      if (c.startsWith("-")) {
        cmd.add(c);
      } else {
        cmd.add("-c");
        cmd.add(c);
      }
    }
    cmd.add(uri);
    return run(cmd);
  }

  private static void assertCovers(List<MapEntry> map, long size) {
    long next = 0;
    for (MapEntry e : map) {
      assertEquals(next, e.offset(), "the map has no gaps: " + map);
      next = e.end();
    }
    assertEquals(size, next, "the map covers the export: " + map);
  }
}
