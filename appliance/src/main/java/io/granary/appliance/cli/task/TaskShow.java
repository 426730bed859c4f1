package io.granary.appliance.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code granary task show ID}: a task's state, progress, and its error or result. */
@Command(name = "show", description = "Show a task: its state, progress, and error or result.")
public final class TaskShow extends ApiCommand {
  @Parameters(paramLabel = "ID")
  String id;

  @Override
  protected String action() {
    if (!id.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("a task id is a number, not '" + id + "'");
    }
    return "show task " + id;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode task = api.get("/api/v1/tasks/" + id);
    if (output().json) {
      printJson(task);
      return;
    }
    Table t =
        new Table("PROPERTY", "VALUE")
            .row("id", task.get("id").asText())
            .row("type", task.get("type").asText())
            .row("target", task.get("target").asText())
            .row("state", task.get("state").asText())
            .row("progress", TaskRows.progress(task))
            .row("started", TaskRows.time(task.get("started")))
            .row("finished", TaskRows.time(task.get("finished")));
    if (task.hasNonNull("error")) {
      t.row("error", task.get("error").path("detail").asText());
    }
    if (task.hasNonNull("result")) {
      t.row("result", task.get("result").toString());
    }
    t.print(out, output().scripted);
  }
}
