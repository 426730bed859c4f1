package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A byte flipped in a volume's journal, in a segment older than the newest (written here from
 * {@code docs/format.md} §4.3, as a crash leaves two segments of synced writes), under a real
 * daemon: that volume refuses to open with an error naming the segment and offset, through the
 * CLI and through NBD; the file stays as it was; the pool and its other volume serve as before;
 * and {@code granary scrub} reports exactly that journal and exits 1.
 */
class DamagedJournalIT {
  private static final int MIB = 1 << 20;
  private static final int RECORD = 4096;
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

  private Cli start() throws Exception {
    daemon = new DaemonProcess(tmp.resolve("data")).start("--nbd-listen", "127.0.0.1:" + port);
    return new Cli(tmp.resolve("data"));
  }

  private String uri(String volume) {
    return "nbd://127.0.0.1:" + port + "/default/" + volume;
  }

  @Test
  void aDamagedJournalClosesOnlyItsVolumeAndScrubReportsIt() throws Exception {
    ExternalTool.require("nbdcopy", "nbdinfo");
    port = FreePort.pick();
    Cli cli = start();
    cli.ok("volume", "create", "default/vm1", "--size", "1M");
    cli.ok("volume", "create", "default/vm2", "--size", "4M");
    byte[] image = TestData.random(2, 4 * MIB);
    Path raw = tmp.resolve("vm2.raw");
    Files.write(raw, image);
    ExternalTool.run(120, "nbdcopy", raw.toString(), uri("vm2")).ok();
    daemon.stop();

    // vm1, the pool's first volume (id 1), was never written: no root covers any sequence.
    Path journal = tmp.resolve("data/pools/default/journal/0000000000000001");
    assertTrue(Files.isDirectory(journal.resolveSibling("0000000000000002")), "vm2's journal");
    Files.createDirectories(journal);
    Path older = journal.resolve("0000000000000001.wal");
    Files.write(older, segment(1, record(1, 0), record(2, RECORD)));
    Files.write(journal.resolve("0000000000000003.wal"), segment(1, record(3, 2 * RECORD)));
    long second = 32 + 36 + RECORD; // header, then the first record
    byte[] damaged = Files.readAllBytes(older);
    damaged[(int) second + 36 + 100] ^= 0x10; // in the second record's payload
    Files.write(older, damaged);

    cli = start();
    Cli.Result scrub = cli.run("scrub", "default", "--no-progress");
    assertEquals(1, scrub.exit(), scrub.toString());
    assertTrue(
        scrub
            .out()
            .contains(
                "damaged: journal of volume vm1, segment 0000000000000001.wal at offset "
                    + second
                    + ": the payload of record 2 fails its checksum"),
        scrub.toString());
    assertTrue(scrub.out().contains("2 volume journals read, 1 damaged"), scrub.toString());
    JsonNode json = JSON.readTree(cli.run("scrub", "default", "--no-progress", "--json").out());
    assertEquals(2, json.get("journalsChecked").asInt(), json.toString());
    assertEquals(1, json.get("damagedJournals").size(), json.toString());
    assertEquals("vm1", json.get("damagedJournals").get(0).get("volume").asText());
    assertEquals(0, json.get("damaged").size(), "no chunk is damaged: " + json);

    Cli.Result snapshot = cli.run("snapshot", "create", "default/vm1@s");
    assertEquals(1, snapshot.exit(), snapshot.toString());
    assertTrue(snapshot.err().contains("cannot open volume vm1"), snapshot.toString());
    assertTrue(snapshot.err().contains("0000000000000001.wal is damaged at offset " + second));
    ExternalTool.Result info = ExternalTool.run(60, "nbdinfo", uri("vm1"));
    assertTrue(info.exit() != 0, "vm1 is not served: " + info);
    assertArrayEquals(damaged, Files.readAllBytes(older), "the evidence is left as it is");

    Path back = tmp.resolve("vm2.back");
    ExternalTool.run(120, "nbdcopy", uri("vm2"), back.toString()).ok();
    assertArrayEquals(image, Files.readAllBytes(back), "vm2 serves as before");
    cli.ok("snapshot", "create", "default/vm2@s");
    System.out.println(
        "DamagedJournalIT: 1 byte flipped in an older journal segment of vm1; vm1 refused"
            + " (CLI and NBD), the segment unchanged, vm2's "
            + image.length
            + " bytes read back through NBD; granary scrub said:\n"
            + scrub.out()
            + "granary snapshot create default/vm1@s said:\n"
            + snapshot.err());
  }

  /** A journal segment of volume {@code volumeId} ({@code docs/format.md} §4.3). */
  private static byte[] segment(long volumeId, byte[]... records) {
    ByteBuffer b = ByteBuffer.allocate(32 + records.length * (36 + RECORD));
    b.put("GRNYJRNL".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1);
    b.putShort((short) 0).putInt(0).putLong(volumeId);
    b.putInt(crc(b.array(), 0, 24)).putInt(0);
    for (byte[] r : records) {
      b.put(r);
    }
    return b.array();
  }

  /** A write record of {@link #RECORD} bytes of test data at {@code offset}. */
  private static byte[] record(long seq, long offset) {
    byte[] payload = TestData.random(seq, RECORD);
    ByteBuffer b = ByteBuffer.allocate(36 + RECORD);
    b.putInt(0x4A524543).put((byte) 1).put((byte) 0).putShort((short) 0);
    b.putLong(seq).putLong(offset).putInt(RECORD).putInt(crc(payload, 0, RECORD));
    b.putInt(crc(b.array(), 0, 32)).put(payload);
    return b.array();
  }

  private static int crc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }
}
