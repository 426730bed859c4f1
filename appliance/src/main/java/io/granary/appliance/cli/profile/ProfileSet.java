package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary profile set NAME KEY=VALUE...}: merges into the stored settings. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = "Change settings of a profile.")
public final class ProfileSet extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*")
  List<String> settings;

  @Override
  protected String action() {
    ProfileSettings.parse(settings);
    return "set profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var p = api.patch("/api/v1/profiles/" + name, Map.of("settings",
        ProfileSettings.parse(settings)));
    if (output.json) {
      printJson(p);
    }
  }
}
