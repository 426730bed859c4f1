package io.granary.appliance.cli.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.Names;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume list [POOL]}: every volume of one pool or of all. */
@Command(name = "list", description = "List volumes.")
public final class VolumeList extends ApiCommand {
  @Parameters(paramLabel = "POOL", arity = "0..1", description = "Only this pool's volumes.")
  String pool;

  @Override
  protected String action() {
    if (pool != null && !Names.isValid(pool)) {
      throw new IllegalArgumentException("invalid pool name '" + pool + "'");
    }
    return "list volumes";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    List<String> pools = new ArrayList<>();
    if (pool != null) {
      pools.add(pool);
    } else {
      for (JsonNode p : api.get("/api/v1/pools")) {
        pools.add(p.get("name").asText());
      }
    }
    var all = JsonNodeFactory.instance.arrayNode();
    for (String p : pools) {
      api.get("/api/v1/pools/" + p + "/volumes").forEach(all::add);
    }
    if (output().json) {
      printJson(all);
      return;
    }
    Table t =
        new Table("NAME", "SIZE", "BLOCK", "CODEC", "PROFILE", "SNAPSHOTS", "ORIGIN", "CREATED");
    for (JsonNode v : all) {
      t.row(
          v.get("pool").asText() + "/" + v.get("name").asText(),
          output().size(v.get("size").asLong()),
          output().size(v.get("blockSize").asLong()),
          v.get("codec").asText(),
          v.get("profile").asText(),
          v.get("snapshots").asInt(),
          v.get("origin").isNull() ? null : v.get("pool").asText() + "/" + v.get("origin").asText(),
          v.get("created").asText());
    }
    t.print(out, output().scripted);
  }
}
