package io.granary.appliance.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary pool show NAME}. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show a pool's properties and space use.")
public final class PoolShow extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("invalid pool name '" + name + "'");
    }
    return "show pool " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode p = api.get("/api/v1/pools/" + name);
    if (output.json) {
      printJson(p);
      return;
    }
    Table t = new Table("PROPERTY", "VALUE");
    t.row("name", p.get("name").asText()).row("path", p.get("path").asText())
        .row("profile", p.get("profile").asText()).row("volumes", p.get("volumes").asInt())
        .row("chunks", p.get("chunks").asLong())
        .row("logical", output.size(p.get("logicalBytes").asLong()))
        .row("unique", output.size(p.get("uniqueBytes").asLong()))
        .row("stored", output.size(p.get("storedBytes").asLong()))
        .row("onDisk", output.size(p.get("diskBytes").asLong()))
        .row("dedupeRatio", p.get("dedupeRatio").asDouble())
        .row("compressionRatio", p.get("compressionRatio").asDouble());
    t.print(out, output.scripted);
  }
}
