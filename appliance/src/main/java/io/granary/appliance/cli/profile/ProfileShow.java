package io.granary.appliance.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary profile show NAME}. */
@Command(name = "show", description = "Show a profile's settings.")
public final class ProfileShow extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  protected String action() {
    return "show profile " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode p = api.get("/api/v1/profiles/" + name);
    if (output().json) {
      printJson(p);
      return;
    }
    Table t = new Table("PROPERTY", "VALUE");
    t.row("name", p.get("name").asText())
        .row("iops", ProfileRows.iops(p))
        .row("bandwidth", ProfileRows.bandwidth(p, output()))
        .row("burst", ProfileRows.burst(p))
        .row("codec", p.get("codec").asText())
        .row("dedupe", ProfileRows.dedupe(p))
        .row("blockSize", output().size(p.get("blockSize").asLong()))
        .row("snapshots", ProfileRows.snapshots(p))
        .row("replication", ProfileRows.replication(p));
    t.print(out, output().scripted);
  }
}
