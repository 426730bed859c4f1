package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
  private static final Pattern READ_OK =
      Pattern.compile("^read (\\d+)/\\d+ bytes at offset (\\d+)$", Pattern.MULTILINE);
  private static final Pattern REPORTED =
      Pattern.compile(
          "^damaged: chunk ([0-9a-f]{64}) in pack ([0-9a-f]{8}) at offset (\\d+): (.+)$",
          Pattern.MULTILINE);

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int port;
  private int block;

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
      Set<Integer> expectEio = new TreeSet<>();
      for (int i = 0; i < image.length / block; i++) {
        if (damage.containsKey(chunkOfBlock(image, i))) {
          expectEio.add(i);
        }
      }
      eioBlocks += expectEio.size();
      assertEquals(expectEio, nbdEio(v, image.length / block), v + " through NBD");
      verified += readGoodRangesThroughNbd(v, image, expectEio);
      verified += readThroughTheFile(v, image, expectEio);
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
    return chunkOfBlock(images.get(volume), blockIndex);
  }

  private ChunkId chunkOfBlock(byte[] image, int i) throws Exception {
    return ChunkId.of(
        MessageDigest.getInstance("SHA-256")
            .digest(Arrays.copyOfRange(image, i * block, (i + 1) * block)));
  }

  /** One qemu-io session reading every block; the blocks that failed, each with EIO. */
  private Set<Integer> nbdEio(String volume, int blocks) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
    for (int i = 0; i < blocks; i++) {
      cmd.addAll(List.of("-c", "read " + (long) i * block + " " + block));
    }
    cmd.add(uri(volume));
    ExternalTool.Result r = ExternalTool.run(180, cmd);
    Set<Integer> failed = new TreeSet<>();
    for (int i = 0; i < blocks; i++) {
      failed.add(i);
    }
    Matcher m = READ_OK.matcher(r.stdout());
    while (m.find()) {
      assertEquals(block, Integer.parseInt(m.group(1)));
      failed.remove((int) (Long.parseLong(m.group(2)) / block));
    }
    String out = r.stdout() + r.stderr();
    assertEquals(
        failed.size(),
        out.lines().filter("read failed: Input/output error"::equals).count(),
        "each failed read is EIO, on a session that goes on: " + out);
    return failed;
  }

  /** qemu-img copies each run of good blocks (a raw view with offset and size) for comparison. */
  private long readGoodRangesThroughNbd(String volume, byte[] image, Set<Integer> bad)
      throws Exception {
    long verified = 0;
    int blocks = image.length / block;
    for (int start = 0; start < blocks; ) {
      if (bad.contains(start)) {
        start++;
        continue;
      }
      int end = start;
      while (end < blocks && !bad.contains(end)) {
        end++;
      }
      Path out = tmp.resolve("range.raw");
      Files.deleteIfExists(out);
      String view =
          String.format(
              "json:{\"driver\":\"raw\",\"offset\":%d,\"size\":%d,"
                  + "\"file\":{\"driver\":\"nbd\",\"server\":{\"type\":\"inet\",\"host\":\"127.0.0.1\","
                  + "\"port\":\"%d\"},\"export\":\"default/%s\"}}",
              (long) start * block, (long) (end - start) * block, port, volume);
      ExternalTool.run(180, "qemu-img", "convert", "-O", "raw", view, out.toString()).ok();
      assertArrayEquals(
          Arrays.copyOfRange(image, start * block, end * block),
          Files.readAllBytes(out),
          volume + " blocks " + start + ".." + (end - 1));
      verified += (long) (end - start) * block;
      start = end;
    }
    return verified;
  }

  /** Every block through the FUSE file: the bad ones fail with EIO, the others read right. */
  private long readThroughTheFile(String volume, byte[] image, Set<Integer> bad) throws Exception {
    long verified = 0;
    try (RandomAccessFile f =
        new RandomAccessFile(tmp.resolve("mnt/default/" + volume).toFile(), "r")) {
      byte[] back = new byte[block];
      for (int i = 0; i < image.length / block; i++) {
        f.seek((long) i * block);
        if (bad.contains(i)) {
          IOException e = assertThrows(IOException.class, () -> f.readFully(back));
          assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        } else {
          f.readFully(back);
          assertArrayEquals(
              Arrays.copyOfRange(image, i * block, (i + 1) * block),
              back,
              volume + " file, block " + i);
          verified += block;
        }
      }
    }
    return verified;
  }
}
