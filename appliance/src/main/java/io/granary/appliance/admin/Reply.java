package io.granary.appliance.admin;

import io.granary.appliance.task.Task;
import java.util.Map;

/** What a route answers: a status, a JSON body (or none) and extra headers. */
public record Reply(int status, Object body, Map<String, String> headers) {
  public static Reply ok(Object body) {
    return new Reply(200, body, Map.of());
  }

  public static Reply created(Object body) {
    return new Reply(201, body, Map.of());
  }

  public static Reply noContent() {
    return new Reply(204, null, Map.of());
  }

  /** 202 with the task and its {@code Location}. */
  public static Reply accepted(Task task) {
    return new Reply(
        202, Views.task(task.snapshot()), Map.of("Location", "/api/v1/tasks/" + task.id()));
  }
}
