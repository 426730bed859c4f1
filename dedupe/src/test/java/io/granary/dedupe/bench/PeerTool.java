package io.granary.dedupe.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs a command-line peer (sha256sum, lz4, zstd) under bash's {@code time}. */
final class PeerTool {
  private PeerTool() {}

  /** Times {@code command} (a shell command line); its output goes to /dev/null. */
  static Timing time(String command, Path scratch) throws IOException, InterruptedException {
    Path timeFile = scratch.resolve("time.out");
    String script =
        "TIMEFORMAT='%3R %3U %3S'; { time ( " + command + " >/dev/null 2>&1 ) ; } 2> " + timeFile;
    Process p = new ProcessBuilder("bash", "-c", script).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("peer failed: " + command);
    }
    String[] f = Files.readString(timeFile, StandardCharsets.US_ASCII).trim().split("\\s+");
    return new Timing(
        Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
  }

  static String version(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("?").trim();
    } catch (IOException | InterruptedException e) {
      return "unavailable";
    }
  }
}
