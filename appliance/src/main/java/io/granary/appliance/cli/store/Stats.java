package io.granary.appliance.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.appliance.units.Decimals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary stats [POOL]}: space, dedupe and compression of the pools. */
@Command(
    name = "stats",
    description = "Capacity, use, alert state, dedupe and compression of every pool (or one).")
public final class Stats extends ApiCommand {
  @Parameters(paramLabel = "POOL", arity = "0..1")
  String pool;

  @Override
  protected String action() {
    return "show statistics";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var pools = JsonNodeFactory.instance.arrayNode();
    if (pool != null) {
      pools.add(api.get("/api/v1/pools/" + pool));
    } else {
      api.get("/api/v1/pools").forEach(pools::add);
    }
    if (output().json) {
      printJson(pools);
      return;
    }
    Table t =
        new Table(
            "POOL",
            "CAPACITY",
            "USED",
            "USE%",
            "ALERT",
            "LOGICAL",
            "PROVISIONED",
            "DEDUPE",
            "COMPRESS",
            "VOLUMES");
    for (JsonNode p : pools) {
      t.row(
          p.get("name").asText(),
          output().size(p.get("capacityBytes").asLong()),
          output().size(p.get("storedBytes").asLong()),
          Decimals.fixed(p.get("usedPercent").asDouble(), 1),
          p.get("alert").asText(),
          output().size(p.get("logicalBytes").asLong()),
          output().size(p.get("provisionedBytes").asLong()),
          Decimals.fixed(p.get("dedupeRatio").asDouble(), 2) + "x",
          Decimals.fixed(p.get("compressionRatio").asDouble(), 2) + "x",
          p.get("volumes").asInt());
    }
    t.print(out, output().scripted);
  }
}
