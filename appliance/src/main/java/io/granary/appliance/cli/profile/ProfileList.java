package io.granary.appliance.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import picocli.CommandLine.Command;

/** {@code granary profile list}. */
@Command(name = "list", description = "List profiles.")
public final class ProfileList extends ApiCommand {
  @Override
  protected String action() {
    return "list profiles";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/profiles");
    if (output().json) {
      printJson(list);
      return;
    }
    Table t =
        new Table(
            "NAME",
            "IOPS",
            "BANDWIDTH",
            "BURST",
            "CODEC",
            "DEDUPE",
            "BLOCK",
            "SNAPSHOTS",
            "REPLICATION");
    for (JsonNode p : list) {
      t.row(
          p.get("name").asText(),
          ProfileRows.iops(p),
          ProfileRows.bandwidth(p, output()),
          ProfileRows.burst(p),
          p.get("codec").asText(),
          ProfileRows.dedupe(p),
          output().size(p.get("blockSize").asLong()),
          ProfileRows.snapshots(p),
          ProfileRows.replication(p));
    }
    t.print(out, output().scripted);
  }
}
