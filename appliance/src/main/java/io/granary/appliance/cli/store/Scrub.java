package io.granary.appliance.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code granary scrub [POOL]}: checks every pack header, re-reads and re-hashes every chunk,
 * reads every volume's journal; names the volumes and snapshots whose blocks the damage makes
 * unreadable, with their byte ranges; exit 1 on damage.
 */
@Command(
    name = "scrub",
    description = "Verify every stored chunk and volume journal of a pool; report damage.")
public final class Scrub extends PoolTaskCommand {
  private boolean damaged;

  @Override
  String verb() {
    return "scrub";
  }

  @Override
  void report(JsonNode r) {
    out.println(
        r.get("chunksChecked").asLong()
            + " chunks ("
            + output().size(r.get("bytesChecked").asLong())
            + " bytes) re-read and re-hashed, "
            + r.get("damaged").size()
            + " damaged; "
            + r.get("packsChecked").asLong()
            + " pack headers checked, "
            + r.get("damagedPacks").size()
            + " damaged; "
            + r.get("journalsChecked").asLong()
            + " volume journals read, "
            + r.get("damagedJournals").size()
            + " damaged");
    for (JsonNode d : r.get("damagedPacks")) {
      out.println(
          "damaged: header of pack " + d.get("pack").asText() + ": " + d.get("reason").asText());
    }
    for (JsonNode d : r.get("damaged")) {
      out.println(
          "damaged: chunk "
              + d.get("chunk").asText()
              + " in pack "
              + d.get("pack").asText()
              + " at offset "
              + d.get("offset").asLong()
              + ": "
              + d.get("reason").asText());
    }
    for (JsonNode b : r.get("damagedBlocks")) {
      StringBuilder ranges = new StringBuilder();
      long bytes = 0;
      for (JsonNode e : b.get("ranges")) {
        long at = e.get("offset").asLong();
        long len = e.get("length").asLong();
        ranges
            .append(ranges.length() == 0 ? "" : "; ")
            .append("offset ")
            .append(at)
            .append(" length ")
            .append(len);
        bytes += len;
      }
      out.println(
          "unreadable: "
              + b.get("state").asText()
              + ": "
              + output().size(bytes)
              + " unreadable"
              + (ranges.length() == 0 ? "" : " at " + ranges)
              + (b.get("mapUnreadable").asBoolean()
                  ? "; its block map is damaged too, so more may be lost"
                  : ""));
    }
    for (JsonNode d : r.get("damagedJournals")) {
      out.println(
          "damaged: journal of volume "
              + d.get("volume").asText()
              + ", segment "
              + d.get("segment").asText()
              + " at offset "
              + d.get("offset").asLong()
              + ": "
              + d.get("reason").asText());
    }
    damaged =
        r.get("damaged").size() > 0
            || r.get("damagedPacks").size() > 0
            || r.get("damagedJournals").size() > 0;
  }

  @Override
  public Integer call() {
    int rc = super.call();
    return rc == 0 && damaged ? 1 : rc;
  }
}
