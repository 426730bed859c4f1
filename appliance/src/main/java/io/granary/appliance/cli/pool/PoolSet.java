package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.SizeConverter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary pool set NAME [--capacity SIZE] [--overcommit R] ...}. */
@Command(
    name = "set",
    description =
        "Change a pool's capacity, thresholds, services or default profile; the "
            + "new limits apply to the next write.")
public final class PoolSet extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = "--capacity",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Physical capacity: bytes stored after dedupe and compression.")
  Long capacity;

  @Mixin PoolOptions settings;

  @Override
  protected String action() {
    if (settings.fields(capacity).isEmpty()) {
      throw new IllegalArgumentException("pool set needs at least one setting to change");
    }
    return "set pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = settings.fields(capacity);
    var p = api.patch("/api/v1/pools/" + name, body);
    if (output().json) {
      printJson(p);
    }
  }
}
