package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic snapshots on a daemon whose clock runs 3,600 times faster (an hour a second): they
 * are taken once an interval, named {@code auto-<minute>Z}, pruned by count and age, and an
 * administrator's own snapshots are never touched.
 */
class AutoSnapshotIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TAKEN =
      Pattern.compile("automatic snapshot default/vm@(auto-\\S+)$", Pattern.MULTILINE);
  private static final Pattern DELETED =
      Pattern.compile("automatic snapshot default/vm@(auto-\\S+) expired and deleted");

  @TempDir Path tmp;
  private DaemonProcess daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void snapshotsAreTakenEveryIntervalAndPrunedByCountAndAge() throws Exception {
    daemon = new DaemonProcess(tmp.resolve("data")).start("--clock-speed", "3600");
    Cli cli = new Cli(tmp.resolve("data"));
    cli.ok(
        "profile", "create", "hourly", "--snapshot-every", "1h", "--keep", "3", "--keep-for", "5h");
    cli.ok("volume", "create", "default/vm", "--size", "16M", "--profile", "hourly");
    cli.ok("volume", "create", "default/other", "--size", "16M");
    cli.ok("snapshot", "create", "default/vm@before-upgrade");

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (count(DELETED, daemon.log()) < 3 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    String log = daemon.log();
    int taken = count(TAKEN, log);
    int deleted = count(DELETED, log);
    assertTrue(deleted >= 3, "expired automatic snapshots were deleted:\n" + log);

    List<String> names = new ArrayList<>();
    List<Instant> auto = new ArrayList<>();
    for (JsonNode s : JSON.readTree(cli.ok("snapshot", "list", "default/vm", "--json").out())) {
      String name = s.get("name").asText();
      names.add(name);
      if (name.startsWith("auto-")) {
        auto.add(Instant.parse(name.substring(5).replace("Z", ":00Z")));
      }
    }
    assertTrue(names.contains("before-upgrade"), "a manual snapshot is never pruned: " + names);
    assertTrue(auto.size() >= 3, "the newest three are kept: " + names);
    // Deletions run after the snapshot of the same tick, so a listing may lag the log by one.
    assertTrue(
        Math.abs(auto.size() - (taken - deleted)) <= 1,
        names + " vs taken " + taken + ", deleted " + deleted);
    auto.sort(null);
    Instant newest = auto.get(auto.size() - 1);
    for (int i = 1; i < auto.size(); i++) {
      Duration gap = Duration.between(auto.get(i - 1), auto.get(i));
      assertTrue(
          gap.compareTo(Duration.ofMinutes(59)) >= 0, "one snapshot an hour at most: " + auto);
    }
    for (int i = 0; i < auto.size() - 3; i++) {
      assertTrue(
          Duration.between(auto.get(i), newest).compareTo(Duration.ofHours(6)) <= 0,
          "beyond the newest three only snapshots younger than 5h (and a tick) stay: " + auto);
    }
    assertEquals(
        0,
        JSON.readTree(cli.ok("snapshot", "list", "default/other", "--json").out()).size(),
        "a volume without a snapshot policy gets none");
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
