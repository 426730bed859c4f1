package io.granary.appliance.cli.snapshot;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot create POOL/NAME@SNAP}. */
@Command(name = "create", description = "Record a volume's current state as a read-only snapshot.")
public final class SnapshotCreate extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Override
  protected String action() throws InvalidNameException {
    return "create snapshot " + snapshot(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = snapshot(name);
    var s = api.post(volumePath(n) + "/snapshots", Map.of("name", n.snapshot()));
    if (output().json) {
      printJson(s);
    }
  }
}
