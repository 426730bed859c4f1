package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.units.Sizes;
import java.io.PrintStream;

/**
 * Follows a task until it ends, drawing its progress on stderr when stderr is a terminal
 * (never on stdout, which carries only the result).
 */
public final class TaskFollower {
  private final ApiClient api;
  private final boolean draw;
  private final PrintStream err = System.err;

  public TaskFollower(ApiClient api, boolean quiet) {
    this.api = api;
    this.draw = !quiet && System.console() != null;
  }

  /** Waits for the task; returns its final state, or throws its error. */
  public JsonNode follow(JsonNode task) throws ApiError {
    String id = task.get("id").asText();
    long version = -1;
    while ("running".equals(task.get("state").asText())) {
      version = task.get("version").asLong();
      drawProgress(task);
      task = api.get("/api/v1/tasks/" + id + "?wait=1&version=" + version);
    }
    drawProgress(task);
    if (draw) {
      err.println();
    }
    if ("failed".equals(task.get("state").asText())) {
      JsonNode e = task.get("error");
      throw new ApiError(e.get("status").asInt(), e.get("detail").asText());
    }
    return task;
  }

  private void drawProgress(JsonNode t) {
    if (!draw) {
      return;
    }
    long done = t.get("done").asLong();
    long total = t.get("total").asLong();
    boolean bytes = "bytes".equals(t.get("unit").asText());
    String amount =
        bytes
            ? Sizes.human(done) + (total >= 0 ? "/" + Sizes.human(total) : "")
            : done + (total >= 0 ? "/" + total : "") + " " + t.get("unit").asText();
    if (total > 0) {
      int pct = (int) Math.min(100, done * 100 / total);
      int filled = pct * 30 / 100;
      err.print(
          "\r"
              + t.get("type").asText()
              + " ["
              + "#".repeat(filled)
              + ".".repeat(30 - filled)
              + "] "
              + pct
              + "% "
              + amount
              + "   ");
    } else {
      err.print("\r" + t.get("type").asText() + " " + amount + "   ");
    }
    err.flush();
  }
}
