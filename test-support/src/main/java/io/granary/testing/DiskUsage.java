package io.granary.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Bytes a directory occupies on disk, as {@code du} counts them (allocated blocks). */
public final class DiskUsage {
  private DiskUsage() {}

  public static long of(Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("du", "-s", "--block-size=1", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IOException("du failed: " + out);
    }
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
