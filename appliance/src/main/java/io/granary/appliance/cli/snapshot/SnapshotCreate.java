package io.granary.appliance.cli.snapshot;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.ObjectName;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot create POOL/NAME@SNAP}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Record a volume's current state as a read-only snapshot.")
public final class SnapshotCreate extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Override
  protected String action() {
    return "create snapshot " + ObjectName.parse(name, true, true);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    ObjectName n = ObjectName.parse(name, true, true);
    var s = api.post(n.volumePath() + "/snapshots", Map.of("name", n.snapshot()));
    if (output.json) {
      printJson(s);
    }
  }
}
