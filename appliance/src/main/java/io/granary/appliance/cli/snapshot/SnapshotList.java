package io.granary.appliance.cli.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary snapshot list POOL/NAME}: oldest first. */
@Command(name = "list", description = "List a volume's snapshots, oldest first.")
public final class SnapshotList extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Override
  protected String action() throws InvalidNameException {
    return "list snapshots of " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    JsonNode list = api.get(volumePath(n) + "/snapshots");
    if (output().json) {
      printJson(list);
      return;
    }
    Table t = new Table("NAME", "SIZE", "CREATED");
    for (JsonNode s : list) {
      t.row(
          n + "@" + s.get("name").asText(),
          output().size(s.get("size").asLong()),
          s.get("created").asText());
    }
    t.print(out, output().scripted);
  }
}
