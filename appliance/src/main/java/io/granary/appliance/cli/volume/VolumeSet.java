package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary volume set POOL/NAME --profile P}. */
@Command(
    name = "set",
    description =
        "Put a volume under another profile: its QoS applies to open connections at "
            + "once, its codec and dedupe to data written from now on.")
public final class VolumeSet extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Option(
      names = "--profile",
      required = true,
      paramLabel = "PROFILE",
      description = "The profile.")
  String profile;

  @Override
  protected String action() throws InvalidNameException {
    return "set volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var v = api.patch(volumePath(volume(name)), Map.of("profile", profile));
    if (output().json) {
      printJson(v);
    }
  }
}
