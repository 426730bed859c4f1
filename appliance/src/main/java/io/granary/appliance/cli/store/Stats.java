package io.granary.appliance.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary stats [POOL]}: space, dedupe and compression of the pools. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Space use, dedupe and compression of every pool (or one).")
public final class Stats extends ApiCommand {
  @Parameters(paramLabel = "POOL", arity = "0..1")
  String pool;

  @Override
  protected String action() {
    return "show statistics";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    var pools = ApiCommand.PRETTY.createArrayNode();
    if (pool != null) {
      pools.add(api.get("/api/v1/pools/" + pool));
    } else {
      api.get("/api/v1/pools").forEach(pools::add);
    }
    if (output.json) {
      printJson(pools);
      return;
    }
    Table t = new Table("POOL", "VOLUMES", "CHUNKS", "LOGICAL", "UNIQUE", "STORED", "ON DISK",
        "DEDUPE", "COMPRESS");
    for (JsonNode p : pools) {
      t.row(p.get("name").asText(), p.get("volumes").asInt(), p.get("chunks").asLong(),
          output.size(p.get("logicalBytes").asLong()), output.size(p.get("uniqueBytes").asLong()),
          output.size(p.get("storedBytes").asLong()), output.size(p.get("diskBytes").asLong()),
          String.format(Locale.ROOT, "%.2fx", p.get("dedupeRatio").asDouble()),
          String.format(Locale.ROOT, "%.2fx", p.get("compressionRatio").asDouble()));
    }
    t.print(out, output.scripted);
  }
}
