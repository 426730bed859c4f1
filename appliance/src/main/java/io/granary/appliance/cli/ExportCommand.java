package io.granary.appliance.cli;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary export POOL/NAME[@SNAP] FILE}: a sparse raw image; FILE must not exist. */
@Command(name = "export", description = "Export a volume or a snapshot to a new sparse raw image.")
public final class ExportCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "POOL/NAME[@SNAP]")
  String name;

  @Parameters(index = "1", paramLabel = "FILE", description = "A new file on the daemon's host.")
  Path file;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  @Override
  protected String action() throws InvalidNameException {
    return "export " + volumeOrSnapshot(name) + " to " + file;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volumeOrSnapshot(name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", file.toAbsolutePath().normalize().toString());
    if (n.snapshot() != null) {
      body.put("snapshot", n.snapshot());
    }
    var done = new TaskFollower(api, quiet).follow(api.post(volumePath(n) + "/export", body));
    if (output().json) {
      printJson(done.get("result"));
    }
  }
}
