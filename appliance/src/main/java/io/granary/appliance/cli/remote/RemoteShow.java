package io.granary.appliance.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary remote show NAME}: never its token, which the daemon does not give out. */
@Command(name = "show", description = "Show a remote: its URL, pinned certificate and settings.")
public final class RemoteShow extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.invalid("remote", name));
    }
    return "show remote " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode r = api.get("/api/v1/remotes/" + name);
    if (output().json) {
      printJson(r);
      return;
    }
    long bandwidth = r.get("bandwidth").asLong();
    new Table("PROPERTY", "VALUE")
        .row("name", r.get("name").asText())
        .row("url", r.get("url").asText())
        .row("fingerprint", r.get("fingerprint").asText())
        .row("bandwidth", bandwidth == 0 ? "-" : output().size(bandwidth) + "/s")
        .row("created", r.get("created").asText())
        .print(out, output().scripted);
  }
}
