package io.granary.appliance.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.appliance.cli.Table;
import picocli.CommandLine.Command;

/** {@code granary task list}: the tasks running and the last finished ones, oldest first. */
@Command(
    name = "list",
    description =
        "List the tasks running and the last 200 finished: imports, exports, scrubs, gc,"
            + " rollbacks, replications (scheduled ones too).")
public final class TaskList extends ApiCommand {
  @Override
  protected String action() {
    return "list tasks";
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    JsonNode list = api.get("/api/v1/tasks");
    if (output().json) {
      printJson(list);
      return;
    }
    Table t = new Table("ID", "TYPE", "TARGET", "STATE", "PROGRESS", "STARTED");
    for (JsonNode task : list) {
      t.row(
          task.get("id").asText(),
          task.get("type").asText(),
          task.get("target").asText(),
          task.get("state").asText(),
          TaskRows.progress(task),
          TaskRows.time(task.get("started")));
    }
    t.print(out, output().scripted);
  }
}
