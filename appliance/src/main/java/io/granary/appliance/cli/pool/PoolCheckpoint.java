package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary pool checkpoint NAME}: publish the checkpoint of a pool on a bucket now. */
@Command(
    name = "checkpoint",
    description =
        "Flush a pool on an object store and publish its checkpoint there now (done every "
            + "minute and at stop): what attach brings back.")
public final class PoolCheckpoint extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    return "checkpoint pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var r = api.post("/api/v1/pools/" + name + "/checkpoint", Map.of());
    if (output().json) {
      printJson(r);
    }
  }
}
