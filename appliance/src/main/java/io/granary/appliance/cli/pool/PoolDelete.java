package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary pool delete [-r] [-n] NAME}: its directory goes too. */
@Command(
    name = "delete",
    description = "Delete a pool and its directory (with its volumes when -r is given).")
public final class PoolDelete extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = {"-r", "--recursive"},
      description = "Delete its volumes and snapshots too.")
  boolean recursive;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check and say what would be deleted; change nothing.")
  boolean dryRun;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    return "delete pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var r =
        api.delete(
            "/api/v1/pools/" + name + "?recursive=" + recursive + (dryRun ? "&dryRun=true" : ""));
    if (dryRun) {
      out.println("would delete pool " + name + " and " + r.get("volumes").asInt() + " volumes");
    }
  }
}
