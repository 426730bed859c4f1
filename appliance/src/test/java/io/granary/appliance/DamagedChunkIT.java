package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.testing.StoredChunk;
import io.granary.dedupe.testing.StoredChunk.PackField;
import io.granary.dedupe.testing.StoredChunk.RecordField;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes flipped on disk in the records of K chosen chunks (payloads and record headers) and in
 * one pack header, under a real daemon: exactly the blocks of those chunks read as EIO through
 * NBD (qemu-io) and through the FUSE file, every other block reads back byte for byte (qemu-img
 * over the ranges between them, and the file), and {@code granary scrub} reports exactly the K
 * chunks, where they lie, and the damaged pack header, no more, no less.
 */
class DamagedChunkIT {
  private static final int MIB = 1 << 20;
  private static final int VOLUME_MIB = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REPORTED =
      Pattern.compile(
          "^damaged: chunk ([0-9a-f]{64}) in pack ([0-9a-f]{8}) at offset (\\d+): (.+)$",
          Pattern.MULTILINE);

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;
  private int block;
  private BlockReads reads;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private Cli start() throws Exception {
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--nbd-listen", "127.0.0.1:" + port, "--mount", tmp.resolve("mnt").toString());
    return new Cli(tmp.resolve("data"));
  }

  private String uri(String volume) {
    return "nbd://127.0.0.1:" + port + "/default/" + volume;
  }

  /** A way to damage a record, and where in it. */
  private enum Flip {
    PAYLOAD,
    RAW_LENGTH,
    CHUNK_ID,
    PAYLOAD_CRC;

    void apply(StoredChunk chunk) throws IOException {
      switch (this) {
        case PAYLOAD -> chunk.flipPayloadByte(1000);
        case RAW_LENGTH -> chunk.flip(RecordField.RAW_LENGTH);
        case CHUNK_ID -> chunk.flip(RecordField.CHUNK_ID);
        case PAYLOAD_CRC -> chunk.flip(RecordField.PAYLOAD_CRC);
      }
    }
  }

  @Test
  void exactlyTheDamagedChunksReadAsEioAndScrubReportsExactlyThem() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("qemu-io", "qemu-img", "nbdcopy", "fusermount");
    port = FreePort.pick();
    Cli cli = start();
    Map<String, byte[]> images = new LinkedHashMap<>();
    images.put("vm1", TestData.random(1, VOLUME_MIB * MIB));
    images.put("vm2", TestData.random(2, VOLUME_MIB * MIB));
    for (String v : images.keySet()) {
      cli.ok("volume", "create", "default/" + v, "--size", VOLUME_MIB + "M");
    }
    block =
        JSON.readTree(cli.ok("volume", "show", "default/vm1", "--json").out())
            .get("volume")
            .get("blockSize")
            .asInt();
    reads = new BlockReads(port, block, tmp);
    // vm2 starts with four of vm1's blocks: dedupe stores them once, so damage to one such
    // chunk must show in both volumes.
    System.arraycopy(images.get("vm1"), 40 * block, images.get("vm2"), 0, 4 * block);
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      Path image = tmp.resolve(e.getKey() + ".raw");
      Files.write(image, e.getValue());
      ExternalTool.run(120, "nbdcopy", image.toString(), uri(e.getKey())).ok();
    }
    daemon.stop(); // a clean stop flushes every volume: all blocks are in packs now
    assertTrue(daemon.log().contains("stopped cleanly"), daemon.log());

    // The K chunks to damage, one way each.
    Path store = tmp.resolve("data/pools/default/store");
    Map<ChunkId, StoredChunk> onDisk = new HashMap<>();
    StoredChunks.all(store).forEach(c -> onDisk.put(c.id(), c));
    Map<ChunkId, Flip> damage = new LinkedHashMap<>();
    damage.put(chunk("vm1", images, 3), Flip.PAYLOAD);
    damage.put(chunk("vm1", images, 40), Flip.PAYLOAD); // vm2's block 0 too
    damage.put(chunk("vm1", images, 300), Flip.RAW_LENGTH);
    damage.put(chunk("vm2", images, 100), Flip.PAYLOAD_CRC);
    damage.put(chunk("vm2", images, 450), Flip.CHUNK_ID);
    for (Map.Entry<ChunkId, Flip> d : damage.entrySet()) {
      StoredChunk c = onDisk.get(d.getKey());
      assertTrue(c != null, "chunk " + d.getKey() + " is in a pack");
      d.getValue().apply(c);
    }
    // And one pack header, in its store-id field: the records behind it stay readable.
    StoredChunk anyRecord = onDisk.values().iterator().next();
    int damagedHeader = anyRecord.packId();
    anyRecord.flipPackHeader(PackField.STORE_ID);
    int flipped = damage.size() + 1;

    cli = start();
    long verified = 0;
    int eioBlocks = 0;
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      String v = e.getKey();
      byte[] image = e.getValue();
      Set<Integer> expectEio = reads.blocksOf(image, damage.keySet());
      eioBlocks += expectEio.size();
      assertEquals(
          expectEio, reads.nbdEio("default/" + v, image.length / block), v + " through NBD");
      verified += reads.goodRangesThroughNbd("default/" + v, image, expectEio);
      verified += reads.throughTheFile(tmp.resolve("mnt/default/" + v), image, expectEio);
    }
    assertEquals(damage.size() + 1, eioBlocks, "K chunks, one of them in both volumes");

    // granary scrub: exit 1, exactly the K chunks, where they lie, and the pack header.
    Cli.Result text = cli.run("scrub", "default", "--no-progress");
    assertEquals(1, text.exit(), text.toString());
    Map<ChunkId, String> reported = new TreeMap<>();
    Matcher m = REPORTED.matcher(text.out());
    while (m.find()) {
      ChunkId id = ChunkId.parse(m.group(1));
      StoredChunk c = onDisk.get(id);
      assertTrue(c != null, "a reported chunk exists: " + m.group());
      assertEquals(String.format("%08x", c.packId()), m.group(2), m.group());
      assertEquals(c.offset(), Long.parseLong(m.group(3)), m.group());
      reported.put(id, m.group(4));
    }
    assertEquals(new TreeSet<>(damage.keySet()), reported.keySet(), text.out());
    assertTrue(text.out().contains(damage.size() + " damaged"), text.out());
    assertTrue(
        text.out().contains(String.format("damaged: header of pack %08x: ", damagedHeader)),
        text.out());
    JsonNode json = JSON.readTree(cli.run("scrub", "default", "--no-progress", "--json").out());
    assertEquals(damage.size(), json.get("damaged").size(), json.toString());
    assertEquals(1, json.get("damagedPacks").size(), json.toString());
    assertEquals(onDisk.size(), json.get("chunksChecked").asLong(), "every chunk was checked");
    System.out.println(
        "DamagedChunkIT: "
            + flipped
            + " bytes flipped on disk ("
            + damage.size()
            + " chunk records: "
            + damage.values()
            + ", and 1 pack header); "
            + eioBlocks
            + " blocks (one chunk shared by two volumes) read as EIO through NBD and FUSE, no"
            + " other; "
            + verified
            + " bytes of the other blocks verified; granary scrub reported"
            + " exactly "
            + reported.size()
            + " damaged chunks and 1 damaged pack header of "
            + json.get("chunksChecked").asLong()
            + " chunks; it said:\n"
            + text.out());
  }

  private ChunkId chunk(String volume, Map<String, byte[]> images, int blockIndex)
      throws Exception {
    return reads.chunkOfBlock(images.get(volume), blockIndex);
  }
}
