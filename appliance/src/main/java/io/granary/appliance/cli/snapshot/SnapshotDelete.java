package io.granary.appliance.cli.snapshot;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot delete [-n] POOL/NAME@SNAP}; clones made from it stay intact. */
@Command(name = "delete", description = "Delete a snapshot (clones made from it stay intact).")
public final class SnapshotDelete extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME@SNAP")
  String name;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check only; change nothing.")
  boolean dryRun;

  @Override
  protected String action() throws InvalidNameException {
    return "delete snapshot " + snapshot(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = snapshot(name);
    api.delete(volumePath(n) + "/snapshots/" + n.snapshot() + (dryRun ? "?dryRun=true" : ""));
    if (dryRun) {
      out.println("would delete snapshot " + n);
    }
  }
}
