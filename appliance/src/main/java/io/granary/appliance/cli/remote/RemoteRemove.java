package io.granary.appliance.cli.remote;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary remote remove [-n] NAME}: its token goes too; the peer is not told. */
@Command(name = "remove", description = "Forget a remote and the token kept for it.")
public final class RemoteRemove extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Check only; change nothing.")
  boolean dryRun;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.invalid("remote", name));
    }
    return "remove remote " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    api.delete("/api/v1/remotes/" + name + (dryRun ? "?dryRun=true" : ""));
    if (dryRun) {
      out.println("would remove remote " + name);
    }
  }
}
