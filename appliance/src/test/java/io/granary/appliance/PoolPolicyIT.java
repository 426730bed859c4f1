package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity pools and profiles through the CLI of a real daemon: the overcommit limit, the
 * services a pool allows, settings changed live, and what {@code pool show} reports.
 */
class PoolPolicyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GIB = 1L << 30;

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private Cli cli;

  @BeforeEach
  void start() throws Exception {
    daemon = new DaemonProcess(tmp.resolve("data")).start();
    cli = new Cli(tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  private JsonNode json(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--json";
    return JSON.readTree(cli.ok(all).out());
  }

  private void refused(int exit, String expected, String... args) throws Exception {
    Cli.Result r = cli.run(args);
    assertEquals(exit, r.exit(), String.join(" ", args) + ": " + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), "no stack traces: " + r.err());
  }

  @Test
  void volumesMayNotProvisionBeyondCapacityTimesOvercommit() throws Exception {
    cli.ok("pool", "create", "small", "--capacity", "1G", "--overcommit", "2");
    cli.ok("volume", "create", "small/a", "--size", "1536M");
    refused(1, "provisioning limit", "volume", "create", "small/b", "--size", "1G");
    refused(1, "provisioning limit", "volume", "resize", "small/a", "--size", "3G");
    cli.ok("snapshot", "create", "small/a@s1");
    refused(1, "provisioning limit", "volume", "clone", "small/a@s1", "small/c");
    cli.ok("volume", "create", "small/b", "--size", "512M"); // exactly at the limit
    cli.ok("volume", "resize", "small/a", "--size", "1G"); // shrinking is always allowed

    JsonNode p = json("pool", "show", "small");
    assertEquals(GIB, p.get("capacityBytes").asLong());
    assertEquals(2 * GIB, p.get("provisionLimitBytes").asLong());
    assertEquals(GIB + 512L * (1 << 20), p.get("provisionedBytes").asLong());
    assertEquals("ok", p.get("alert").asText());

    cli.ok("pool", "set", "small", "--overcommit", "4");
    cli.ok("volume", "clone", "small/a@s1", "small/c"); // the new limit applies at once
    assertEquals(4 * GIB, json("pool", "show", "small").get("provisionLimitBytes").asLong());
  }

  @Test
  void aPoolRefusesProfilesAndOperationsForServicesItDoesNotAllow() throws Exception {
    refused(
        1,
        "does not allow",
        "pool",
        "create",
        "plain",
        "--capacity",
        "1G",
        "--services",
        "snapshots"); // the default profile uses dedupe and lz4
    cli.ok("profile", "create", "raw", "--codec", "none", "--dedupe", "off");
    cli.ok(
        "pool",
        "create",
        "plain",
        "--capacity",
        "1G",
        "--services",
        "snapshots",
        "--profile",
        "raw");
    cli.ok("volume", "create", "plain/v", "--size", "64M");
    JsonNode v = json("volume", "show", "plain/v").get("volume");
    assertEquals("none", v.get("codec").asText());
    assertFalse(v.get("dedupe").asBoolean());

    refused(
        1,
        "uses dedupe, compression, which pool plain does not allow",
        "volume",
        "set",
        "plain/v",
        "--profile",
        "default");
    refused(
        1,
        "does not allow",
        "volume",
        "create",
        "plain/w",
        "--size",
        "64M",
        "--profile",
        "default");
    cli.ok("snapshot", "create", "plain/v@s1");
    refused(1, "does not allow clones", "volume", "clone", "plain/v@s1", "plain/c");
    refused(1, "does not allow", "profile", "set", "raw", "--codec", "zstd:3");
    refused(1, "does not allow", "pool", "set", "plain", "--profile", "default");

    cli.ok("pool", "set", "plain", "--services", "snapshots,clones");
    cli.ok("volume", "clone", "plain/v@s1", "plain/c");
    cli.ok("pool", "set", "plain", "--services", "all");
    cli.ok("volume", "set", "plain/v", "--profile", "default");
    v = json("volume", "show", "plain/v").get("volume");
    assertEquals("lz4", v.get("codec").asText());
    assertTrue(v.get("dedupe").asBoolean());
  }

  @Test
  void settingsAreCheckedAndKeptAcrossRestarts() throws Exception {
    refused(
        2,
        "cannot be above",
        "pool",
        "create",
        "t",
        "--capacity",
        "1G",
        "--warn",
        "95",
        "--critical",
        "90");
    refused(
        2, "unknown service", "pool", "create", "t", "--capacity", "1G", "--services", "mirroring");
    refused(2, "--keep", "profile", "create", "hourly", "--snapshot-every", "1h");
    cli.ok(
        "profile",
        "create",
        "gold",
        "--iops",
        "500",
        "--bandwidth",
        "100M",
        "--burst",
        "50",
        "--codec",
        "zstd:3",
        "--block-size",
        "64K",
        "--snapshot-every",
        "1h",
        "--keep",
        "24",
        "--keep-for",
        "7d");
    cli.ok(
        "pool",
        "create",
        "t",
        "--capacity",
        "2G",
        "--warn",
        "70",
        "--critical",
        "85",
        "--services",
        "snapshots,dedupe,compression",
        "--profile",
        "gold");
    cli.ok("volume", "create", "t/db", "--size", "1G");

    daemon.close();
    daemon = new DaemonProcess(tmp.resolve("data")).start();

    JsonNode p = json("pool", "show", "t");
    assertEquals(2 * GIB, p.get("capacityBytes").asLong());
    assertEquals(70, p.get("warnPercent").asInt());
    assertEquals(85, p.get("criticalPercent").asInt());
    assertEquals("[\"snapshots\",\"dedupe\",\"compression\"]", p.get("services").toString());
    assertEquals("gold", p.get("profile").asText());
    JsonNode g = json("profile", "show", "gold");
    assertEquals(500, g.get("iops").asLong());
    assertEquals(100L << 20, g.get("bandwidth").asLong());
    assertEquals(50, g.get("burst").asLong());
    assertEquals(3600, g.get("snapshotEverySeconds").asLong());
    assertEquals(7 * 86400, g.get("keepForSeconds").asLong());
    JsonNode db = json("volume", "show", "t/db").get("volume");
    assertEquals(65536, db.get("blockSize").asInt());
    assertEquals("zstd:3", db.get("codec").asText());
    String table = cli.ok("profile", "list").out();
    assertTrue(table.contains("every 1h, keep 24 and for 1w"), table);
  }
}
