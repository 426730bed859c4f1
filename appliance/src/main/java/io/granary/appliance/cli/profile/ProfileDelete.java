package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary profile delete [-n] NAME}: refused while a pool or a volume uses it. */
@Command(name = "delete", description = "Delete a profile that nothing uses.")
public final class ProfileDelete extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check only; change nothing.")
  boolean dryRun;

  @Override
  protected String action() {
    return "delete profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    api.delete("/api/v1/profiles/" + name + (dryRun ? "?dryRun=true" : ""));
    if (dryRun) {
      out.println("would delete profile " + name);
    }
  }
}
