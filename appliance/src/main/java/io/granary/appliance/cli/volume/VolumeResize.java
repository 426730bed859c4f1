package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.SizeConverter;
import io.granary.snapshots.api.InvalidNameException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary volume resize POOL/NAME --size SIZE}. */
@Command(name = "resize", description = "Grow or shrink a volume (shrinking discards the tail).")
public final class VolumeResize extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Option(
      names = {"-s", "--size"},
      required = true,
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "The new size, e.g. 20G.")
  long size;

  @Override
  protected String action() throws InvalidNameException {
    return "resize volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var v = api.patch(volumePath(volume(name)), Map.of("size", size));
    if (output().json) {
      printJson(v);
    }
  }
}
