package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume rename POOL/NAME NEWNAME}: within its pool; snapshots follow. */
@Command(name = "rename", description = "Rename a volume within its pool.")
public final class VolumeRename extends ApiCommand {
  @Parameters(index = "0", paramLabel = "POOL/NAME")
  String name;

  @Parameters(
      index = "1",
      paramLabel = "NEWNAME",
      description = "New name, or POOL/NEWNAME in the same pool.")
  String newName;

  private VolumeRef target() throws InvalidNameException {
    VolumeRef from = volume(name);
    VolumeRef to = VolumeRef.parse(newName, from.pool()).expectVolume();
    if (!to.pool().equals(from.pool())) {
      throw new IllegalArgumentException("a volume can only be renamed within its pool");
    }
    return to;
  }

  @Override
  protected String action() throws InvalidNameException {
    target();
    return "rename volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var v = api.patch(volumePath(volume(name)), Map.of("name", target().volume()));
    if (output().json) {
      printJson(v);
    }
  }
}
