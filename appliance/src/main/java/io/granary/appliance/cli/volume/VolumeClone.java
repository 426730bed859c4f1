package io.granary.appliance.cli.volume;

import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume clone POOL/NAME@SNAP POOL/NEW}: a writable volume from a snapshot. */
@Command(
    name = "clone",
    description = "Make a new writable volume from a snapshot (in the same pool).")
public final class VolumeClone extends ApiCommand {
  @Parameters(index = "0", paramLabel = "POOL/NAME@SNAP")
  String source;

  @Parameters(index = "1", paramLabel = "POOL/NEW")
  String target;

  @Override
  protected String action() throws InvalidNameException {
    VolumeRef s = snapshot(source);
    VolumeRef t = volume(target);
    if (!s.pool().equals(t.pool())) {
      throw new IllegalArgumentException("a clone lives in its snapshot's pool (" + s.pool() + ")");
    }
    return "clone " + s + " to " + t;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef s = snapshot(source);
    VolumeRef t = volume(target);
    var v =
        api.post(
            volumePath(s) + "/snapshots/" + s.snapshot() + "/clone", Map.of("name", t.volume()));
    if (output().json) {
      printJson(v);
    }
  }
}
