package io.granary.appliance.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationRetentionTest {
  private static final List<String> NAMES =
      List.of(
          "before-upgrade",
          "repl-20261208T010000Z",
          "auto-2026-12-08T01:05Z",
          "repl-20261208T011500Z",
          "repl-20261208T013000Z",
          "repl-20261208T014500Z");

  @Test
  void theNewestKeepStayAndOnlyReplicationSnapshotsGo() {
    assertEquals(
        List.of("repl-20261208T010000Z", "repl-20261208T011500Z"),
        ReplicationRetention.expired(NAMES, 2, "repl-20261208T014500Z"));
    assertEquals(List.of(), ReplicationRetention.expired(NAMES, 4, "repl-20261208T014500Z"));
  }

  @Test
  void theBaseStaysEvenWhenANewerOneCameFromElsewhere() {
    // A manual replication took a newer one meanwhile; the schedule's base is not among the
    // newest one, and is kept.
    assertEquals(
        List.of("repl-20261208T010000Z", "repl-20261208T011500Z"),
        ReplicationRetention.expired(NAMES, 1, "repl-20261208T013000Z"));
  }
}
