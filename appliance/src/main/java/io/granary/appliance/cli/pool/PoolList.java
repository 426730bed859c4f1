package io.granary.appliance.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.appliance.units.Decimals;
import picocli.CommandLine.Command;

/** {@code granary pool list}. */
@Command(name = "list", description = "List pools with their capacity, use and alert state.")
public final class PoolList extends ApiCommand {
  @Override
  protected String action() {
    return "list pools";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/pools");
    if (output().json) {
      printJson(list);
      return;
    }
    Table t =
        new Table(
            "NAME",
            "CAPACITY",
            "USED",
            "USE%",
            "ALERT",
            "PROVISIONED",
            "VOLUMES",
            "PROFILE",
            "PATH");
    for (JsonNode p : list) {
      t.row(
          p.get("name").asText(),
          output().size(p.get("capacityBytes").asLong()),
          output().size(p.get("storedBytes").asLong()),
          Decimals.fixed(p.get("usedPercent").asDouble(), 1),
          p.get("alert").asText(),
          output().size(p.get("provisionedBytes").asLong()),
          p.get("volumes").asInt(),
          p.get("profile").asText(),
          p.get("path").asText());
    }
    t.print(out, output().scripted);
  }
}
