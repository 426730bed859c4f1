package io.granary.appliance.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code granary pool list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List pools with their space use.")
public final class PoolList extends ApiCommand {
  @Override
  protected String action() {
    return "list pools";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/pools");
    if (output.json) {
      printJson(list);
      return;
    }
    Table t = new Table("NAME", "VOLUMES", "LOGICAL", "STORED", "ON DISK", "DEDUPE", "COMPRESS", "PATH");
    for (JsonNode p : list) {
      t.row(p.get("name").asText(), p.get("volumes").asInt(),
          output.size(p.get("logicalBytes").asLong()), output.size(p.get("storedBytes").asLong()),
          output.size(p.get("diskBytes").asLong()),
          String.format(Locale.ROOT, "%.2fx", p.get("dedupeRatio").asDouble()),
          String.format(Locale.ROOT, "%.2fx", p.get("compressionRatio").asDouble()),
          p.get("path").asText());
    }
    t.print(out, output.scripted);
  }
}
