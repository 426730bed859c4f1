package io.granary.appliance.cli.snapshot;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.ApiError;
import io.granary.appliance.cli.TaskFollower;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot rollback POOL/NAME@SNAP}: writes made since are discarded. */
@Command(
    name = "rollback",
    description = "Set a volume back to a snapshot, discarding later writes.")
public final class SnapshotRollback extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check only; change nothing.")
  boolean dryRun;

  @Override
  protected String action() throws InvalidNameException {
    return "roll back to " + snapshot(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = snapshot(name);
    if (dryRun) {
      api.get(volumePath(n)); // the volume exists
      boolean found = false;
      for (var s : api.get(volumePath(n) + "/snapshots")) {
        found |= s.get("name").asText().equals(n.snapshot());
      }
      if (!found) {
        throw new ApiError(404, "snapshot " + n.volume() + "@" + n.snapshot() + " does not exist");
      }
      out.println(
          "would roll back "
              + n.pool()
              + "/"
              + n.volume()
              + " to "
              + n.snapshot()
              + ", discarding the writes made since");
      return;
    }
    var task = api.post(volumePath(n) + "/snapshots/" + n.snapshot() + "/rollback", Map.of());
    var done = new TaskFollower(api, quiet).follow(task);
    if (output().json) {
      printJson(done);
    }
  }
}
