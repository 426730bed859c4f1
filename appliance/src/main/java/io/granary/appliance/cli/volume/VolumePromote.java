package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume promote POOL/NAME}: a replica becomes writable (fail-over). */
@Command(
    name = "promote",
    description = {
      "Make a replica a writable volume of its own (fail-over).",
      "It no longer takes streams from its source; to fail back, send its newer snapshots to"
          + " the old source with 'granary receive --force' there."
    })
public final class VolumePromote extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Override
  protected String action() throws InvalidNameException {
    return "promote " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    var v = api.post(volumePath(n) + "/promote", Map.of());
    if (output().json) {
      printJson(v);
    } else {
      out.println("promoted " + n + ": writable");
    }
  }
}
