package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code granary profile create NAME [--iops N] [--bandwidth SIZE] ...}. */
@Command(
    name = "create",
    description =
        "Create a profile: QoS limits and data services for volumes. Unset: no QoS "
            + "limit, lz4, dedupe on, 16K blocks, no automatic snapshots.")
public final class ProfileCreate extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Mixin ProfileOptions settings;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid profile name '" + name + "'");
    }
    settings.fields();
    return "create profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.putAll(settings.fields());
    var p = api.post("/api/v1/profiles", body);
    if (output().json) {
      printJson(p);
    }
  }
}
