package io.granary.appliance.cli.pool;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary pool create NAME [--path DIR] [--profile P]}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a capacity pool in a directory (on any disk).")
public final class PoolCreate extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(names = "--path", paramLabel = "DIR", description = "Its directory (default DATA/pools/NAME).")
  Path path;

  @Option(names = "--profile", paramLabel = "PROFILE", description = "Default profile of its volumes.")
  String profile;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    return "create pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (path != null) {
      body.put("path", path.toAbsolutePath().toString());
    }
    if (profile != null) {
      body.put("profile", profile);
    }
    var p = api.post("/api/v1/pools", body);
    if (output.json) {
      printJson(p);
    }
  }
}
