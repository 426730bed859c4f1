package io.granary.appliance.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.task.Task;
import io.granary.snapshots.api.NoSuchVolumeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task as the admin API shows it (docs/api.md): its fields, and a problem when it failed. */
class TaskViewTest {
  private static Task.Snapshot task(String state, Throwable failure, Object result) {
    return new Task.Snapshot(
        "t1",
        "import",
        "default/vm1",
        state,
        5,
        10,
        "bytes",
        "2026-12-06T10:00:00Z",
        null,
        failure,
        result,
        3);
  }

  @Test
  void aRunningTaskHasItsFieldsAndNoError() {
    JsonNode n = Json.MAPPER.valueToTree(Views.task(task("running", null, null)));
    List<String> fields =
        List.of(
            "id",
            "type",
            "target",
            "state",
            "done",
            "total",
            "unit",
            "started",
            "finished",
            "result",
            "version",
            "error");
    assertEquals(
        fields.stream().sorted().toList(),
        n.properties().stream().map(Map.Entry::getKey).sorted().toList());
    assertEquals("t1", n.get("id").asText());
    assertEquals(5, n.get("done").asLong());
    assertEquals(3, n.get("version").asLong());
    assertTrue(n.get("error").isNull());
  }

  @Test
  void aFailedTaskCarriesItsProblemNotItsException() {
    JsonNode n =
        Json.MAPPER.valueToTree(
            Views.task(
                task("failed", new NoSuchVolumeException("volume vm1 does not exist"), null)));
    assertEquals(Problem.NOT_FOUND.type(), n.get("error").get("type").asText());
    assertEquals(404, n.get("error").get("status").asInt());
    assertEquals("volume vm1 does not exist", n.get("error").get("detail").asText());
    assertFalse(n.has("failure"));
    assertFalse(n.has("task"));
  }
}
