package io.granary.nbd.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real NBD clients as the integration tests call them (nbdinfo, qemu-io, qemu-img...), with
 * a timeout generous enough for a shared two-core machine, and the parsing of what they print.
 */
public final class NbdClients {
  /** Seconds any one client may take; every call is far quicker unless something hangs. */
  public static final long TIMEOUT = 180;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTED = Pattern.compile("^export=\"(.*)\":$", Pattern.MULTILINE);

  private NbdClients() {}

  public static ExternalTool.Result run(String... command)
      throws IOException, InterruptedException {
    return ExternalTool.run(TIMEOUT, command);
  }

  public static ExternalTool.Result run(List<String> command)
      throws IOException, InterruptedException {
    return ExternalTool.run(TIMEOUT, command);
  }

  /** {@code nbdinfo --json URI}: the one export the URI names. */
  public static JsonNode describe(String uri) throws IOException, InterruptedException {
    JsonNode all = JSON.readTree(run("nbdinfo", "--json", uri).ok().stdout());
    return all.get("exports").get(0);
  }

  /** The export names of an {@code nbdinfo --list} output, in order. */
  public static List<String> listed(String nbdinfoListOutput) {
    List<String> names = new ArrayList<>();
    Matcher m = LISTED.matcher(nbdinfoListOutput);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** One line of {@code nbdinfo --map}: a byte range and its {@code base:allocation} state. */
  public record MapEntry(long offset, long length, int type, String description) {
    public long end() {
      return offset + length;
    }
  }

  /** {@code nbdinfo --map URI}: the export's allocation, in order, covering it whole. */
  public static List<MapEntry> map(String uri) throws IOException, InterruptedException {
    List<MapEntry> out = new ArrayList<>();
    for (String line : run("nbdinfo", "--map", uri).ok().stdout().split("\n")) {
      String[] f = line.trim().split("\\s+", 4);
      if (f.length == 4) {
        out.add(
            new MapEntry(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3]));
      }
    }
    return out;
  }

  /** The map entry that holds byte {@code offset}. */
  public static MapEntry at(List<MapEntry> map, long offset) {
    return map.stream()
        .filter(e -> e.offset() <= offset && offset < e.end())
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("nbdinfo --map does not cover offset " + offset + ": " + map));
  }

  /** Writes {@code size} incompressible bytes made from {@code seed}, a MiB at a time. */
  public static Path randomFile(Path file, long size, long seed) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0, i = 0; done < size; done += chunk.length, i++) {
        TestData.fillRandom(seed * 1_000_003 + i, chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
      }
    }
    return file;
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
