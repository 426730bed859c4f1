package io.granary.appliance.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.appliance.policy.ReplicationSchedule;
import io.granary.appliance.replication.ReplicationHistory.Entry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduledReplicationTest {
  private static final Instant T = Instant.parse("2026-12-08T10:00:00Z");
  private static final Instant CREATED = T.minus(Duration.ofDays(3));
  private static final ReplicationSchedule EVERY_15M =
      new ReplicationSchedule("b", "default", Duration.ofMinutes(15), 4);

  private static Entry replicated(Instant taken) {
    return new Entry("b:default/vm", "repl-x", taken, taken.plusSeconds(20), 0, null, null);
  }

  @Test
  void aVolumeNeverReplicatedIsDueAtOnce() {
    assertEquals(CREATED, ScheduledReplication.dueAt(null, EVERY_15M, CREATED, T));
  }

  @Test
  void aVolumeIsDueOneIntervalAfterTheSnapshotItLastReplicated() {
    assertEquals(
        T.plus(Duration.ofMinutes(15)),
        ScheduledReplication.dueAt(replicated(T), EVERY_15M, CREATED, T.plusSeconds(60)));
  }

  @Test
  void aFailureWaitsAFifthOfTheIntervalAtMostFiveMinutes() {
    Entry failedAfter =
        new Entry("b:default/vm", "repl-x", T, T, 2, T.plus(Duration.ofMinutes(20)), "down");
    assertEquals(
        T.plus(Duration.ofMinutes(23)),
        ScheduledReplication.dueAt(failedAfter, EVERY_15M, CREATED, T.plus(Duration.ofHours(1))));
    ReplicationSchedule daily = new ReplicationSchedule("b", "default", Duration.ofDays(1), 4);
    Entry neverReached = new Entry("b:default/vm", null, null, null, 1, T, "refused");
    assertEquals(
        T.plus(Duration.ofMinutes(5)),
        ScheduledReplication.dueAt(neverReached, daily, CREATED, T.plusSeconds(1)));
  }

  @Test
  void aClockSetBackDoesNotStallTheSchedule() {
    Instant now = T.minus(Duration.ofHours(2));
    assertEquals(now, ScheduledReplication.dueAt(replicated(T), EVERY_15M, CREATED, now));
  }
}
