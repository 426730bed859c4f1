package io.granary.appliance.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import picocli.CommandLine.Command;

/** {@code granary remote list}. */
@Command(name = "list", description = "List remotes with their URL and pinned certificate.")
public final class RemoteList extends ApiCommand {
  @Override
  protected String action() {
    return "list remotes";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/remotes");
    if (output().json) {
      printJson(list);
      return;
    }
    Table t = new Table("NAME", "URL", "FINGERPRINT", "CREATED");
    for (JsonNode r : list) {
      t.row(
          r.get("name").asText(),
          r.get("url").asText(),
          r.get("fingerprint").asText(),
          r.get("created").asText());
    }
    t.print(out, output().scripted);
  }
}
