package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary profile create NAME [KEY=VALUE...]}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a profile (its settings take effect with the profiles feature).")
public final class ProfileCreate extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*")
  List<String> settings;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid profile name '" + name + "'");
    }
    ProfileSettings.parse(settings);
    return "create profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var p = api.post("/api/v1/profiles", Map.of("name", name, "settings",
        ProfileSettings.parse(settings)));
    if (output.json) {
      printJson(p);
    }
  }
}
