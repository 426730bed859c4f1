package io.granary.appliance.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code granary profile list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List profiles.")
public final class ProfileList extends ApiCommand {
  @Override
  protected String action() {
    return "list profiles";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/profiles");
    if (output.json) {
      printJson(list);
      return;
    }
    Table t = new Table("NAME", "SETTINGS");
    for (JsonNode p : list) {
      List<String> kv = new ArrayList<>();
      p.get("settings").fields().forEachRemaining(e -> kv.add(e.getKey() + "=" + e.getValue().asText()));
      t.row(p.get("name").asText(), kv.isEmpty() ? "-" : String.join(",", kv));
    }
    t.print(out, output.scripted);
  }
}
