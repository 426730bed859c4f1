package io.granary.appliance.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code granary gc [POOL]}: frees what no volume or snapshot references. */
@Command(
    name = "gc",
    description = "Free the chunks no volume or snapshot references, and compact.")
public final class Gc extends PoolTaskCommand {
  @Override
  String verb() {
    return "gc";
  }

  @Override
  void report(JsonNode r) {
    out.println(
        r.get("chunksFreed").asLong()
            + " chunks freed, "
            + r.get("packsCompacted").asInt()
            + " packs compacted, "
            + output().size(r.get("bytesReclaimed").asLong())
            + " reclaimed");
  }
}
