package io.granary.appliance.cli.profile;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code granary profile set NAME [--iops N] ...}: volumes using the profile change at once. */
@Command(
    name = "set",
    description =
        "Change settings of a profile; every volume using it follows at once, "
            + "open connections included.")
public final class ProfileSet extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Mixin ProfileOptions settings;

  @Override
  protected String action() {
    if (settings.fields().isEmpty()) {
      throw new IllegalArgumentException("profile set needs at least one setting to change");
    }
    return "set profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var p = api.patch("/api/v1/profiles/" + name, settings.fields());
    if (output().json) {
      printJson(p);
    }
  }
}
