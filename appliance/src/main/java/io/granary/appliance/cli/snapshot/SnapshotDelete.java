package io.granary.appliance.cli.snapshot;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.ObjectName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot delete [-n] POOL/NAME@SNAP}; clones made from it stay intact. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete a snapshot (clones made from it stay intact).")
public final class SnapshotDelete extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Option(names = {"-n", "--dry-run"}, description = "Check only; change nothing.")
  boolean dryRun;

  @Override
  protected String action() {
    return "delete snapshot " + ObjectName.parse(name, true, true);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    ObjectName n = ObjectName.parse(name, true, true);
    api.delete(n.volumePath() + "/snapshots/" + n.snapshot() + (dryRun ? "?dryRun=true" : ""));
    if (dryRun) {
      out.println("would delete snapshot " + n);
    }
  }
}
