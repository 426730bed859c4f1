package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.units.Durations;
import picocli.CommandLine.Command;

/** {@code granary status}: what the daemon serves, where, and how busy it is. */
@Command(
    name = "status",
    description = "The daemon's version, data directory, NBD listener and mount, and counts.")
public final class StatusCommand extends ApiCommand {

  @Override
  protected String action() {
    return "show status";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode s = api.get("/api/v1/status");
    if (output().json) {
      printJson(s);
      return;
    }
    JsonNode nbd = s.get("nbd");
    JsonNode mount = s.get("mount");
    Table t = new Table("PROPERTY", "VALUE");
    t.row("version", s.get("version").asText());
    t.row("data", s.get("dataDirectory").asText());
    t.row(
        "nbd",
        nbd.get("serving").asBoolean()
            ? addresses(nbd)
                + " (TLS "
                + nbd.get("tls").asText()
                + ", "
                + nbd.get("connections").asInt()
                + " connections)"
            : "off");
    t.row("mount", mount.get("mounted").asBoolean() ? mount.get("path").asText() : "not mounted");
    t.row("pools", s.get("pools").asInt());
    t.row("volumes", s.get("volumes").asInt());
    t.row("tasks running", s.get("tasksRunning").asInt());
    for (JsonNode o : s.path("objectStores")) {
      String state = o.get("state").asText();
      t.row(
          "object store of " + o.get("pool").asText(),
          switch (state) {
            case "ok" -> "ok (" + o.get("url").asText() + ")";
            case "uploading" ->
                "uploading "
                    + output().size(o.get("uploadBacklogBytes").asLong())
                    + " in "
                    + o.get("uploadBacklogPacks").asInt()
                    + " packs";
            default ->
                "uploads failing, "
                    + output().size(o.get("uploadBacklogBytes").asLong())
                    + " waiting in the spool: "
                    + o.get("reason").asText();
          });
    }
    JsonNode r = s.path("replication");
    if (r.path("volumes").asInt() > 0) {
      t.row("replication", replication(r));
    }
    t.print(out, output().scripted);
  }

  /** {@code 3 volumes, 1 late, 0 failing; furthest behind: default/vm by 4m 12s}. */
  private static String replication(JsonNode r) {
    StringBuilder b =
        new StringBuilder()
            .append(r.get("volumes").asInt())
            .append(r.get("volumes").asInt() == 1 ? " volume, " : " volumes, ")
            .append(r.get("late").asInt())
            .append(" late, ")
            .append(r.get("failing").asInt())
            .append(" failing");
    JsonNode w = r.path("worst");
    if (!w.isNull() && !w.isMissingNode()) {
      b.append("; furthest behind: ")
          .append(w.get("pool").asText())
          .append('/')
          .append(w.get("volume").asText())
          .append(" by ")
          .append(Durations.age(w.get("lagSeconds").asLong()));
    }
    return b.toString();
  }

  private static String addresses(JsonNode nbd) {
    StringBuilder b = new StringBuilder();
    for (JsonNode a : nbd.get("addresses")) {
      b.append(b.length() == 0 ? "" : ", ").append(a.asText());
    }
    return b.toString();
  }
}
