package io.granary.appliance.cli.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary volume show POOL/NAME}: its properties and space figures. */
@Command(name = "show", description = "Show a volume's properties and space use.")
public final class VolumeShow extends ApiCommand {
  @Parameters(paramLabel = "POOL/NAME")
  String name;

  @Override
  protected String action() throws InvalidNameException {
    return "show volume " + volume(name);
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    VolumeRef n = volume(name);
    JsonNode v = api.get(volumePath(n));
    JsonNode s = api.get(volumePath(n) + "/stats");
    JsonNode r = api.get(volumePath(n) + "/replication");
    if (output().json) {
      var all = JsonNodeFactory.instance.objectNode();
      all.set("volume", v);
      all.set("stats", s);
      all.set("replication", r);
      printJson(all);
      return;
    }
    Table t = new Table("PROPERTY", "VALUE");
    t.row("name", n.pool() + "/" + v.get("name").asText())
        .row("size", output().size(v.get("size").asLong()))
        .row("blockSize", output().size(v.get("blockSize").asLong()))
        .row("codec", v.get("codec").asText())
        .row("dedupe", v.get("dedupe").asBoolean() ? "on" : "off")
        .row("profile", v.get("profile").asText())
        .row("origin", v.get("origin").isNull() ? null : n.pool() + "/" + v.get("origin").asText())
        .row("snapshots", v.get("snapshots").asInt())
        .row("openHandles", v.get("openHandles").asInt())
        .row("created", v.get("created").asText())
        .row("modified", v.get("modified").asText())
        .row("written", output().size(s.get("bytesWritten").asLong()))
        .row("allocated", output().size(s.get("allocatedBytes").asLong()))
        .row("unique", output().size(s.get("uniqueBytes").asLong()))
        .row("shared", output().size(s.get("sharedBytes").asLong()));
    if (!v.path("replicaOf").isNull()) {
      t.row("replicaOf", v.get("replicaOf").asText());
    }
    ReplicationRows.add(t, r);
    t.print(out, output().scripted);
  }
}
