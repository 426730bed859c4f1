package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.testing.StoredChunk;
import io.granary.dedupe.testing.StoredChunk.PackField;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Pack objects lost or damaged in the bucket of an object-store pool, read by a daemon whose
 * cache holds none of their pages (its cache directory emptied, a 4 MiB cap): exactly the blocks
 * whose chunks lie in the deleted pack or in the damaged records read as EIO through NBD, every
 * other block reads back byte for byte, and {@code granary scrub} reports exactly those chunks
 * and the packs; a pack deleted under the running daemon likewise. Written again (a restore),
 * the lost blocks heal, and gc and scrub come clean.
 */
class DamagedPackObjectIT {
  private static final int MIB = 1 << 20;
  private static final String POOL = "remote";
  private static final String VOLUME = POOL + "/vm1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REPORTED =
      Pattern.compile(
          "^damaged: chunk ([0-9a-f]{64}) in pack ([0-9a-f]{8}) at offset (\\d+): (.+)$",
          Pattern.MULTILINE);

  @TempDir Path tmp;
  private TestBucket bucket;
  private DaemonProcess daemon;
  private Cli cli;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ExternalTool.require("qemu-io", "qemu-img", "nbdcopy");
    bucket = TestBucket.start(tmp);
    port = FreePort.pick();
    daemon = new DaemonProcess(tmp.resolve("data"));
    cli = new Cli(tmp.resolve("data"));
    startDaemon();
    cli.ok(bucket.create(POOL, "10G", "site", "--cache", "4M"));
  }

  private void startDaemon() throws Exception {
    daemon.start("--nbd-listen", "127.0.0.1:" + port);
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  /**
   * Writes {@code image} to a new volume of its size, flushes, and stops the daemon once every
   * pack is in the bucket (the last one is sealed when the store opens again); the pool's cache
   * directory is emptied, so that reads go to the bucket.
   */
  private int writeAndUpload(byte[] image) throws Exception {
    cli.ok("volume", "create", VOLUME, "--size", image.length / MIB + "M");
    int block =
        JSON.readTree(cli.ok("volume", "show", VOLUME, "--json").out())
            .get("volume")
            .get("blockSize")
            .asInt();
    Path source = tmp.resolve("source.raw");
    Files.write(source, image);
    ExternalTool.run(180, "nbdcopy", "--flush", source.toString(), uri(VOLUME)).ok();
    Files.delete(source);
    daemon.stop();
    startDaemon();
    cli.ok("pool", "checkpoint", POOL);
    TestBucket.uploaded(cli, POOL);
    daemon.stop();
    Path store = tmp.resolve("data/pools/" + POOL + "/store");
    try (var spooled = Files.list(store.resolve("packs"))) {
      assertEquals(
          List.of(),
          spooled.filter(p -> p.toString().endsWith(".pack")).toList(),
          "every pack left the spool");
    }
    io.granary.dedupe.api.Directories.deleteTree(store.resolve("pack-cache"));
    return block;
  }

  /**
   * Every chunk record of every pack in the bucket, found by reading the objects' files where
   * the server keeps them (linked under the names a local pool's packs have); a record's file is
   * the object's, so damaging the record damages the object.
   */
  private List<StoredChunk> recordsInTheBucket() throws Exception {
    Path scan = Files.createDirectories(tmp.resolve("scan-" + System.nanoTime()).resolve("packs"));
    Pattern name = Pattern.compile(".*/([0-9a-f]{8})-[0-9a-f]{8}\\.pack");
    for (S3Object o : bucket.objects("site/packs/")) {
      Matcher m = name.matcher(o.key());
      if (m.matches()) {
        Files.createSymbolicLink(scan.resolve(m.group(1) + ".pack"), bucket.file(o.key()));
      }
    }
    return StoredChunks.all(scan.getParent());
  }

  private static String packKey(TestBucket bucket, int packId) {
    String prefix = String.format("site/packs/%08x-", packId);
    return bucket.objects(prefix).stream()
        .map(S3Object::key)
        .filter(k -> k.endsWith(".pack"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no object " + prefix + "*.pack"));
  }

  @Test
  void exactlyTheBlocksOfALostOrDamagedPackObjectReadAsEioAndScrubReportsThem() throws Exception {
    // Incompressible: 64 MiB packs, so the first two are full of data and the map pages the
    // volume's tree ends with were written last (a page goes after the blocks it maps).
    byte[] image = TestData.random(71, 144 * MIB);
    int block = writeAndUpload(image);
    BlockReads reads = new BlockReads(port, block, tmp);

    Map<Integer, List<StoredChunk>> byPack = byPack(recordsInTheBucket());
    assertTrue(byPack.size() >= 3, "three packs at least: " + byPack.keySet());
    List<Integer> packs = new ArrayList<>(byPack.keySet());
    int lost = packs.get(0);
    int damagedPack = packs.get(1);

    // (a) the first pack's object deleted
    bucket.delete(packKey(bucket, lost));
    Set<ChunkId> unreadable =
        byPack.get(lost).stream()
            .map(StoredChunk::id)
            .collect(Collectors.toCollection(HashSet::new));
    // (b) in the second, the payloads of three data chunks and the pack header flipped
    Set<ChunkId> dataChunks = new HashSet<>();
    for (int i = 0; i < image.length / block; i++) {
      dataChunks.add(reads.chunkOfBlock(image, i));
    }
    List<StoredChunk> data =
        byPack.get(damagedPack).stream().filter(c -> dataChunks.contains(c.id())).toList();
    Set<ChunkId> flipped = new HashSet<>();
    for (StoredChunk c :
        List.of(data.get(0), data.get(data.size() / 2), data.get(data.size() - 1))) {
      c.flipPayloadByte(1000);
      flipped.add(c.id());
    }
    data.get(0).flipPackHeader(PackField.STORE_ID);
    unreadable.addAll(flipped);

    startDaemon();
    Set<Integer> expectEio = reads.blocksOf(image, unreadable);
    Set<Integer> eio = reads.nbdEio(VOLUME, image.length / block);
    assertEquals(expectEio, eio, "the blocks of the lost pack and of the damaged records");
    long verified = reads.goodRangesThroughNbd(VOLUME, image, expectEio);
    assertEquals((long) image.length - (long) expectEio.size() * block, verified);

    String lostHex = String.format("%08x", lost);
    String damagedHex = String.format("%08x", damagedPack);
    String text = scrubReportsExactly(unreadable, List.of(lost, damagedPack));
    System.out.println(
        "DamagedPackObjectIT: "
            + byPack.size()
            + " packs in the bucket; pack "
            + lostHex
            + " deleted ("
            + byPack.get(lost).size()
            + " chunks), 3 records and the header of pack "
            + damagedHex
            + " flipped; "
            + eio.size()
            + " of "
            + image.length / block
            + " blocks read as EIO through NBD, exactly those; "
            + verified
            + " bytes of the others verified; scrub reported exactly those "
            + unreadable.size()
            + " chunks and 2 pack headers; its first lines:\n"
            + text.lines().limit(4).collect(Collectors.joining("\n"))
            + "\n...\n"
            + text.lines().filter(l -> l.contains(damagedHex)).collect(Collectors.joining("\n")));
  }

  /**
   * A pack object deleted from the bucket while the daemon serves the volume (it still lists
   * the pack; none of its pages cached): a read of its blocks gets the store's "no such key" as
   * EIO, the others read right, and scrub reports the pack and every chunk in it.
   */
  @Test
  void aPackObjectDeletedWhileTheDaemonServesFailsExactlyItsBlocks() throws Exception {
    byte[] image = TestData.random(73, 72 * MIB); // one full pack of data, then the rest
    int block = writeAndUpload(image);
    BlockReads reads = new BlockReads(port, block, tmp);
    startDaemon();
    Map<Integer, List<StoredChunk>> byPack = byPack(recordsInTheBucket());
    assertTrue(byPack.size() >= 2, "two packs at least: " + byPack.keySet());
    int lost = byPack.keySet().iterator().next();
    bucket.delete(packKey(bucket, lost));
    Set<ChunkId> unreadable =
        byPack.get(lost).stream().map(StoredChunk::id).collect(Collectors.toSet());

    Set<Integer> expectEio = reads.blocksOf(image, unreadable);
    Set<Integer> eio = reads.nbdEio(VOLUME, image.length / block);
    assertEquals(expectEio, eio, "the blocks of the pack deleted under the daemon");
    long verified = reads.goodRangesThroughNbd(VOLUME, image, expectEio);
    assertEquals((long) image.length - (long) expectEio.size() * block, verified);
    String text = scrubReportsExactly(unreadable, List.of(lost));
    System.out.println(
        "DamagedPackObjectIT: pack "
            + String.format("%08x", lost)
            + " deleted under the daemon ("
            + unreadable.size()
            + " chunks): "
            + eio.size()
            + " of "
            + image.length / block
            + " blocks read as EIO, exactly those; "
            + verified
            + " bytes of the others verified; scrub said:\n"
            + text.lines().limit(3).collect(Collectors.joining("\n")));
  }

  /** When a pack object goes missing. */
  enum Loss {
    /** deleted while the daemon is down: the bucket no longer lists it when the pool opens */
    BEFORE_A_RESTART,
    /** deleted under the running daemon, which still counts it among the bucket's packs */
    UNDER_THE_DAEMON
  }

  /**
   * The volume written again from its image (a restore from a backup) after its lost blocks
   * were read (EIO) and scrubbed: the lost chunks are stored anew, so every block reads back;
   * gc then lets the lost pack go, and scrub finds nothing.
   */
  @ParameterizedTest
  @EnumSource(Loss.class)
  void aLostPackObjectsBlocksHealWhenWrittenAgain(Loss loss) throws Exception {
    byte[] image = TestData.random(74, 72 * MIB); // one full pack of data, then the rest
    int block = writeAndUpload(image);
    BlockReads reads = new BlockReads(port, block, tmp);
    if (loss == Loss.UNDER_THE_DAEMON) {
      startDaemon();
    }
    Map<Integer, List<StoredChunk>> byPack = byPack(recordsInTheBucket());
    int lost = byPack.keySet().iterator().next();
    bucket.delete(packKey(bucket, lost));
    if (loss == Loss.BEFORE_A_RESTART) {
      startDaemon();
    }
    Set<ChunkId> unreadable =
        byPack.get(lost).stream().map(StoredChunk::id).collect(Collectors.toSet());
    Set<Integer> lostBlocks = reads.blocksOf(image, unreadable);
    assertEquals(lostBlocks, reads.nbdEio(VOLUME, image.length / block), "before the restore");
    scrubReportsExactly(unreadable, List.of(lost));

    Path source = tmp.resolve("source.raw");
    Files.write(source, image);
    ExternalTool.run(180, "nbdcopy", "--flush", source.toString(), uri(VOLUME)).ok();
    Files.delete(source);
    assertEquals(Set.of(), reads.nbdEio(VOLUME, image.length / block), "healed by the restore");
    reads.goodRangesThroughNbd(VOLUME, image, Set.of());
    Cli.Result gc = cli.run("gc", POOL, "--no-progress");
    assertEquals(0, gc.exit(), "gc with the lost pack's chunks all stored anew: " + gc);
    Cli.Result scrub = cli.run("scrub", POOL, "--no-progress");
    assertEquals(0, scrub.exit(), "scrub after the restore and gc: " + scrub);
  }

  private static Map<Integer, List<StoredChunk>> byPack(List<StoredChunk> records) {
    Map<Integer, List<StoredChunk>> byPack = new TreeMap<>(Integer::compareUnsigned);
    records.forEach(c -> byPack.computeIfAbsent(c.packId(), k -> new ArrayList<>()).add(c));
    return byPack;
  }

  /**
   * Runs {@code granary scrub}, text and JSON: exit 1, exactly {@code chunks} reported damaged,
   * and exactly the headers of {@code packs}; returns the text.
   */
  private String scrubReportsExactly(Set<ChunkId> chunks, List<Integer> packs) throws Exception {
    Cli.Result text = cli.run("scrub", POOL, "--no-progress");
    assertEquals(1, text.exit(), text.toString());
    Set<ChunkId> reported = new TreeSet<>();
    Matcher m = REPORTED.matcher(text.out());
    while (m.find()) {
      reported.add(ChunkId.parse(m.group(1)));
    }
    assertEquals(new TreeSet<>(chunks), reported, text.out());
    for (int p : packs) {
      String header = String.format("damaged: header of pack %08x: ", p);
      assertTrue(text.out().contains(header), text.out());
    }
    JsonNode json = JSON.readTree(cli.run("scrub", POOL, "--no-progress", "--json").out());
    assertEquals(chunks.size(), json.get("damaged").size(), json.toString());
    assertEquals(packs.size(), json.get("damagedPacks").size(), json.toString());
    return text.out();
  }

  /**
   * What an administrator needs from a scrub that found damage: which volume (and snapshot)
   * lost which blocks, not only chunk ids and pack offsets, which nothing outside the store can
   * map back to a volume. One record in the bucket damaged, under one block of one volume.
   */
  @Test
  void scrubNamesTheVolumeAndTheBlockADamagedChunkBelongsTo() throws Exception {
    byte[] image = TestData.random(72, 8 * MIB);
    int block = writeAndUpload(image);
    BlockReads reads = new BlockReads(port, block, tmp);
    int blockIndex = 77;
    ChunkId id = reads.chunkOfBlock(image, blockIndex);
    StoredChunk record =
        recordsInTheBucket().stream()
            .filter(c -> c.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new AssertionError("chunk " + id + " is in no pack object"));
    record.flipPayloadByte(100);

    startDaemon();
    assertEquals(Set.of(blockIndex), reads.nbdEio(VOLUME, image.length / block));
    Cli.Result text = cli.run("scrub", POOL, "--no-progress");
    assertEquals(1, text.exit(), text.toString());
    String line =
        text.out()
            .lines()
            .filter(l -> l.contains(id.toString()) || l.contains(VOLUME))
            .collect(Collectors.joining("\n"));
    assertTrue(line.contains(VOLUME), "names the volume: " + text.out());
    long offset = (long) blockIndex * block;
    assertTrue(
        Pattern.compile("\\b(block " + blockIndex + "|offset " + offset + ")\\b")
            .matcher(line.substring(line.indexOf(VOLUME)))
            .find(),
        "names the block (its index or byte offset in the volume): " + text.out());
    JsonNode json = JSON.readTree(cli.run("scrub", POOL, "--no-progress", "--json").out());
    JsonNode named = json.get("damagedBlocks");
    assertEquals(1, named.size(), json.toString());
    assertEquals(VOLUME, named.get(0).get("state").asText());
    assertEquals(1, named.get(0).get("ranges").size(), named.toString());
    assertEquals(offset, named.get(0).get("ranges").get(0).get("offset").asLong());
    assertEquals(block, named.get(0).get("ranges").get(0).get("length").asLong());
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }
}
