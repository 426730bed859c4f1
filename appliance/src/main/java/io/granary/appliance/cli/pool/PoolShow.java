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
    JsonNode s3 = p.get("objectStore");
    if (s3 != null && !s3.isNull()) {
      t.row("objectStore", s3.get("url").asText())
          .row("credentials", s3.get("credentials").asText())
          .row(
              "access",
              s3.get("readOnly").asBoolean()
                  ? "read-only (no lease: its writer is elsewhere, nothing is written here)"
                  : "read-write (this appliance holds its lease)")
          .row(
              "durability",
              s3.get("durability").asText()
                  + ("remote".equals(s3.get("durability").asText())
                      ? " (a FLUSH waits for the bucket)"
                      : " (a FLUSH waits for the local disk)"))
          .row(
              "uploadBacklog",
              output().size(s3.get("uploadBacklogBytes").asLong())
                  + " in "
                  + s3.get("uploadBacklogPacks").asInt()
                  + " packs, writers wait beyond "
                  + output().size(s3.get("spoolLimitBytes").asLong())
                  + (s3.get("lastUploadFailure").isNull()
                      ? ""
                      : " (last failure: " + s3.get("lastUploadFailure").asText() + ")"))
          .row(
              "cache",
              output().size(s3.get("cacheBytes").asLong())
                  + " of "
                  + output().size(s3.get("cacheCapBytes").asLong())
                  + " ("
                  + s3.get("cacheHits").asLong()
                  + " hits, "
                  + s3.get("cacheMisses").asLong()
                  + " misses)")
          .row("limits", limits(s3));
    }
    t.print(out, output().scripted);
  }

  private String limits(JsonNode s3) {
    double rate = s3.get("requestsPerSecond").asDouble();
    long bandwidth = s3.get("bandwidthBytes").asLong();
    return (rate > 0 ? Decimals.fixed(rate, 0) + " requests/s" : "no request limit")
        + ", "
        + (bandwidth > 0 ? output().size(bandwidth) + "/s" : "no bandwidth limit")
        + (rate > 0 || bandwidth > 0
            ? " (requests waited "
                + Decimals.fixed(s3.get("throttledSeconds").asDouble(), 1)
                + " s for them)"
            : "");
  }

  private static String ratio(JsonNode n) {
    return Decimals.fixed(n.asDouble(), 2) + "x";
  }
}
