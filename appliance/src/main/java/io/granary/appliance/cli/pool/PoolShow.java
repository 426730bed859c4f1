package io.granary.appliance.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.appliance.units.Decimals;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary pool show NAME}. */
@Command(name = "show", description = "Show a pool's settings, space use and alert state.")
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
    if (output().json) {
      printJson(p);
      return;
    }
    Table t = new Table("PROPERTY", "VALUE");
    t.row("name", p.get("name").asText())
        .row("path", p.get("path").asText())
        .row(
            "capacity",
            output().size(p.get("capacityBytes").asLong())
                + (p.get("capacityFromFileSystem").asBoolean() ? " (its file system)" : ""))
        .row(
            "used",
            output().size(p.get("storedBytes").asLong())
                + " ("
                + p.get("usedPercent").asDouble()
                + "%)")
        .row(
            "alert",
            p.get("alert").asText()
                + " (warn "
                + p.get("warnPercent").asInt()
                + "%, critical "
                + p.get("criticalPercent").asInt()
                + "%)")
        .row("buffered", output().size(p.get("bufferedBytes").asLong()))
        .row("logical", output().size(p.get("logicalBytes").asLong()))
        .row("unique", output().size(p.get("uniqueBytes").asLong()))
        .row("dedupeRatio", ratio(p.get("dedupeRatio")))
        .row("compressionRatio", ratio(p.get("compressionRatio")))
        .row(
            "provisioned",
            output().size(p.get("provisionedBytes").asLong())
                + " of "
                + output().size(p.get("provisionLimitBytes").asLong())
                + " (overcommit "
                + p.get("overcommit").asDouble()
                + ")")
        .row("onDisk", output().size(p.get("diskBytes").asLong()))
        .row("volumes", p.get("volumes").asInt())
        .row("chunks", p.get("chunks").asLong())
        .row("services", PoolRows.services(p))
        .row("profile", p.get("profile").asText());
    t.print(out, output().scripted);
  }

  private static String ratio(JsonNode n) {
    return Decimals.fixed(n.asDouble(), 2) + "x";
  }
}
