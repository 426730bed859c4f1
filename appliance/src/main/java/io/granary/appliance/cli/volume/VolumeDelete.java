package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary volume delete [-r] [-n] POOL/NAME}: refused with snapshots unless -r. */
@Command(name = "delete", description = "Delete a volume (with its snapshots when -r is given).")
public final class VolumeDelete extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Option(
      names = {"-r", "--recursive"},
      description = "Delete its snapshots too.")
  boolean recursive;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check and say what would be deleted; change nothing.")
  boolean dryRun;

  @Override
  protected String action() throws InvalidNameException {
    return "delete volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    var r = api.delete(volumePath(n) + "?recursive=" + recursive + (dryRun ? "&dryRun=true" : ""));
    if (dryRun) {
      if (output().json) {
        printJson(r);
      } else {
        out.println(
            "would delete volume " + n + " and " + r.get("snapshots").asInt() + " snapshots");
      }
    }
  }
}
