package io.granary.appliance.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.TaskFollower;
import io.granary.snapshots.api.Names;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A pool-wide task (scrub, gc): start it, follow it, print its result. */
abstract class PoolTaskCommand extends ApiCommand {
  @Parameters(
      paramLabel = "POOL",
      defaultValue = "default",
      arity = "0..1",
      description = "The pool (default: default).")
  String pool;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean quiet;

  abstract String verb();

  abstract void report(JsonNode result);

  @Override
  protected String action() {
    if (!Names.isValid(pool)) {
      throw new IllegalArgumentException("invalid pool name '" + pool + "'");
    }
    return verb() + " pool " + pool;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode task = api.post("/api/v1/pools/" + pool + "/" + verb(), Map.of());
    JsonNode done = new TaskFollower(api, quiet).follow(task);
    if (output().json) {
      printJson(done.get("result"));
    } else {
      report(done.get("result"));
    }
  }
}
