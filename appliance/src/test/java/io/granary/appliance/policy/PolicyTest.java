package io.granary.appliance.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.pool.AlertLevel;
import io.granary.appliance.units.Durations;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {
  @Test
  void defaultsAreTheIssuesDefaults() {
    Profile p = Profile.defaults("default");
    assertEquals(QosLimits.NONE, p.qos());
    assertEquals("lz4", p.codec());
    assertTrue(p.dedupe());
    assertEquals(null, p.snapshotPolicy());
    assertEquals(4.0, PoolSettings.defaults().overcommit());
    assertEquals(EnumSet.allOf(Service.class), PoolSettings.defaults().services());
  }

  @Test
  void aProfileAsksForTheServicesItUses() {
    assertEquals(Set.of(Service.DEDUPE, Service.COMPRESSION), Profile.defaults("a").services());
    Profile plain = new Profile("b", 0, 0, 0, "none", false, 0, 3600, 24, 0);
    assertEquals(Set.of(Service.SNAPSHOTS), plain.services());
    Profile dr = replicating("b:dr", 900, 4);
    assertEquals(Set.of(Service.REPLICATION), dr.services());
    assertEquals(
        new ReplicationSchedule("b", "dr", Duration.ofMinutes(15), 4), dr.replicationSchedule());
    assertEquals("b:dr/vm", dr.replicationSchedule().target("vm"));
    assertEquals("default", replicating("b", 900, 4).replicationSchedule().pool());
    assertEquals(null, plain.replicationSchedule());
  }

  @Test
  void aReplicationScheduleNeedsARemoteAnIntervalOfAMinuteOrMoreAndAKeep() {
    for (Object[] bad :
        new Object[][] {
          {null, 900L, 0, "need --replicate-to"},
          {null, 0L, 2, "need --replicate-to"},
          {"b", 0L, 2, "a minute or more"},
          {"b", 59L, 2, "a minute or more"},
          {"b", 900L, 0, "--replicate-keep"},
          {"b:p/vm", 900L, 2, "REMOTE or REMOTE:POOL"},
          {"b:", 900L, 2, "REMOTE or REMOTE:POOL"},
          {"../b", 900L, 2, "REMOTE or REMOTE:POOL"},
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> replicating((String) bad[0], (Long) bad[1], (Integer) bad[2]),
              java.util.Arrays.toString(bad));
      assertTrue(e.getMessage().contains((String) bad[3]), e.getMessage());
    }
    assertEquals(60, replicating("b", 60, 1).replicateEverySeconds());
  }

  private static Profile replicating(String to, long every, int keep) {
    return new Profile("r", 0, 0, 0, "none", false, 0, 0, 0, 0, to, every, keep);
  }

  @Test
  void invalidProfilesAreRefusedWithAReason() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Profile("x", 0, 0, 0, "brotli", true, 0, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Profile("x", 0, 0, 0, "lz4", true, 12288, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new Profile("x", -1, 0, 0, "lz4", true, 0, 0, 0, 0));
    IllegalArgumentException keepless =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Profile("x", 0, 0, 0, "lz4", true, 0, 3600, 0, 0));
    assertTrue(keepless.getMessage().contains("--keep"), keepless.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new Profile("x", 0, 0, 0, "lz4", true, 0, 30, 1, 0));
  }

  @Test
  void burstDefaultsToOneSecondOfIops() {
    assertEquals(500, new QosLimits(500, 0, 0).iopsDepth());
    assertEquals(50, new QosLimits(500, 0, 50).iopsDepth());
  }

  @Test
  void poolSettingsAreChecked() {
    PoolSettings d = PoolSettings.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withOvercommit(0.5));
    assertThrows(IllegalArgumentException.class, () -> d.withThresholds(95, 90));
    assertThrows(IllegalArgumentException.class, () -> d.withThresholds(80, 101));
    assertThrows(IllegalArgumentException.class, () -> Service.parseList("snapshots,mirroring"));
    assertEquals(
        EnumSet.of(Service.SNAPSHOTS, Service.REPLICATION),
        Service.parseList("snapshots,replication"));
    assertEquals(
        EnumSet.of(Service.SNAPSHOTS, Service.CLONES), Service.parseList("snapshots, clones"));
  }

  @Test
  void alertLevelsFollowTheThresholds() {
    assertEquals(AlertLevel.OK, AlertLevel.of(79, 100, 80, 90));
    assertEquals(AlertLevel.WARNING, AlertLevel.of(80, 100, 80, 90));
    assertEquals(AlertLevel.CRITICAL, AlertLevel.of(90, 100, 80, 90));
    assertEquals(AlertLevel.FULL, AlertLevel.of(100, 100, 80, 90));
  }

  @Test
  void durationsReadAsUsersWriteThem() {
    assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofDays(14), Durations.parse("2w"));
    assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
    assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
  }
}
