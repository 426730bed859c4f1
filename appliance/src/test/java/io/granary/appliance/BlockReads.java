package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.testing.ExternalTool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A damaged volume read block by block through real clients on a daemon's NBD port: which
 * blocks fail, and whether each of them fails with EIO; the others compared byte for byte with
 * the image written. Blocks are numbered by {@code blockIndex} of the volume's block size.
 */
final class BlockReads {
  private static final Pattern READ_OK =
      Pattern.compile("^read (\\d+)/\\d+ bytes at offset (\\d+)$", Pattern.MULTILINE);

  private final int port;
  private final int block;
  private final Path scratch;

  /** Reads through NBD on {@code port}, blocks of {@code block} bytes, copies in {@code tmp}. */
  BlockReads(int port, int block, Path tmp) {
    this.port = port;
    this.block = block;
    this.scratch = tmp;
  }

  /** The chunk that holds block {@code blockIndex} of {@code image} (dedupe: its SHA-256). */
  ChunkId chunkOfBlock(byte[] image, int blockIndex) throws Exception {
    return ChunkId.of(
        MessageDigest.getInstance("SHA-256")
            .digest(Arrays.copyOfRange(image, blockIndex * block, (blockIndex + 1) * block)));
  }

  /** The blocks of {@code image} whose chunk is one of {@code chunks}. */
  Set<Integer> blocksOf(byte[] image, Set<ChunkId> chunks) throws Exception {
    Set<Integer> blocks = new TreeSet<>();
    for (int i = 0; i < image.length / block; i++) {
      if (chunks.contains(chunkOfBlock(image, i))) {
        blocks.add(i);
      }
    }
    return blocks;
  }

  /** One qemu-io session reading every block; the blocks that failed, each with EIO. */
  Set<Integer> nbdEio(String export, int blocks) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
    for (int i = 0; i < blocks; i++) {
      cmd.addAll(List.of("-c", "read " + (long) i * block + " " + block));
    }
    cmd.add("nbd://127.0.0.1:" + port + "/" + export);
    ExternalTool.Result r = ExternalTool.run(300, cmd);
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

  /**
   * qemu-img copies each run of good blocks (a raw view with offset and size) for comparison;
   * returns the bytes compared.
   */
  long goodRangesThroughNbd(String export, byte[] image, Set<Integer> bad) throws Exception {
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
      Path out = scratch.resolve("range.raw");
      Files.deleteIfExists(out);
      String view =
          String.format(
              "json:{\"driver\":\"raw\",\"offset\":%d,\"size\":%d,"
                  + "\"file\":{\"driver\":\"nbd\",\"server\":{\"type\":\"inet\",\"host\":\"127.0.0.1\","
                  + "\"port\":\"%d\"},\"export\":\"%s\"}}",
              (long) start * block, (long) (end - start) * block, port, export);
      ExternalTool.run(300, "qemu-img", "convert", "-O", "raw", view, out.toString()).ok();
      assertArrayEquals(
          Arrays.copyOfRange(image, start * block, end * block),
          Files.readAllBytes(out),
          export + " blocks " + start + ".." + (end - 1));
      Files.delete(out);
      verified += (long) (end - start) * block;
      start = end;
    }
    return verified;
  }

  /**
   * Every block through a volume's FUSE file: the bad ones fail with EIO, the others read
   * right; returns the bytes compared.
   */
  long throughTheFile(Path file, byte[] image, Set<Integer> bad) throws Exception {
    long verified = 0;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] back = new byte[block];
      for (int i = 0; i < image.length / block; i++) {
        f.seek((long) i * block);
        if (bad.contains(i)) {
          IOException e = assertThrows(IOException.class, () -> f.readFully(back));
          assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        } else {
          f.readFully(back);
          assertArrayEquals(
              Arrays.copyOfRange(image, i * block, (i + 1) * block), back, file + ", block " + i);
          verified += block;
        }
      }
    }
    return verified;
  }
}
