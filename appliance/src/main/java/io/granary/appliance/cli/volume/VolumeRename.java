package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.ObjectName;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume rename POOL/NAME NEWNAME}: within its pool; snapshots follow. */
@Command(name = "rename", mixinStandardHelpOptions = true,
    description = "Rename a volume within its pool.")
public final class VolumeRename extends ApiCommand {
  @Parameters(index = "0", paramLabel = "POOL/NAME")
  String name;

  @Parameters(index = "1", paramLabel = "NEWNAME", description = "New name, or POOL/NEWNAME in the same pool.")
  String newName;

  private ObjectName target() {
    ObjectName from = ObjectName.parse(name, false, false);
    ObjectName to = ObjectName.parse(newName.contains("/") ? newName : from.pool() + "/" + newName,
        false, false);
    if (!to.pool().equals(from.pool())) {
      throw new IllegalArgumentException("a volume can only be renamed within its pool");
    }
    return to;
  }

  @Override
  protected String action() {
    target();
    return "rename volume " + ObjectName.parse(name, false, false);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var v = api.patch(ObjectName.parse(name, false, false).volumePath(),
        Map.of("name", target().volume()));
    if (output.json) {
      printJson(v);
    }
  }
}
