package io.granary.appliance.cli;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary import FILE POOL/NAME}: a raw image into a new volume of its size. */
@Command(
    name = "import",
    description = "Import a raw disk image into a new volume (zero ranges stay holes).")
public final class ImportCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "A raw image on the daemon's host.")
  Path file;

  @Parameters(index = "1", paramLabel = "POOL/NAME")
  String name;

  @Option(names = "--profile", paramLabel = "PROFILE")
  String profile;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  @Override
  protected String action() throws InvalidNameException {
    return "import " + file + " to " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", n.volume());
    body.put("source", file.toAbsolutePath().normalize().toString());
    if (profile != null) {
      body.put("profile", profile);
    }
    var done =
        new TaskFollower(api, quiet)
            .follow(api.post("/api/v1/pools/" + n.pool() + "/imports", body));
    if (output().json) {
      printJson(done.get("result"));
    }
  }
}
