package io.granary.appliance.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary remote test NAME}: granaryd calls the peer, as replication will. */
@Command(
    name = "test",
    description =
        "Check that granaryd reaches a remote, that it presents the pinned certificate and "
            + "takes the token.")
public final class RemoteTest extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.invalid("remote", name));
    }
    return "test remote " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode t = api.post("/api/v1/remotes/" + name + "/test", null);
    if (output().json) {
      printJson(t);
      return;
    }
    JsonNode version = t.get("peerVersion");
    out.println(
        "remote "
            + name
            + ": reachable in "
            + t.get("roundTripMillis").asLong()
            + " ms"
            + (version == null || version.isNull() ? "" : ", granary " + version.asText())
            + ", certificate "
            + t.get("fingerprint").asText()
            + " as pinned");
  }
}
