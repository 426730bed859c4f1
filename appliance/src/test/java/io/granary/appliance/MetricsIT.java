package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real granaryd after real clients: the counters move by exactly the I/O
 * qemu-io did over NBD, the pool's gauges show its configuration, NBD connections are counted,
 * a deleted volume's series go, the same numbers come from the optional TCP listener, and
 * {@code promtool check metrics} accepts the exposition.
 */
class MetricsIT {
  private static final int MIB = 1 << 20;
  private static final int KIB = 1 << 10;

  @TempDir Path tmp;
  private DaemonProcess daemon;
  private int nbdPort;
  private int metricsPort;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private Cli start() throws Exception {
    ExternalTool.require("qemu-io", "promtool");
    nbdPort = FreePort.pick();
    metricsPort = FreePort.pick();
    Path config = tmp.resolve("granary.conf");
    Files.writeString(
        config,
        """
        [metrics]
        listen = "127.0.0.1:%d"

        [pools.metered]
        capacity = "1G"
        warn = 70
        critical = 85
        """
            .formatted(metricsPort));
    daemon =
        new DaemonProcess(tmp.resolve("data"))
            .start("--config", config.toString(), "--nbd-listen", "127.0.0.1:" + nbdPort);
    return new Cli(tmp.resolve("data"));
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + nbdPort + "/" + export;
  }

  @Test
  void countersMoveByTheIoClientsDidAndPromtoolAcceptsTheExposition() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "metered/vm", "--size", "64M");
    cli.ok("volume", "create", "metered/idle", "--size", "16M");
    try (AdminSocket admin = new AdminSocket(tmp.resolve("data/admin.sock"))) {
      PromText before = scrape(admin);

      ExternalTool.run(
              60,
              "qemu-io",
              "-f",
              "raw",
              "-c",
              "write -P 0x11 0 1M",
              "-c",
              "write -P 0x22 1M 1M",
              "-c",
              "write -P 0x33 2M 1M",
              uri("metered/vm"))
          .ok();
      ExternalTool.run(
              60,
              "qemu-io",
              "-f",
              "raw",
              "-c",
              "read -P 0x11 0 64k",
              "-c",
              "read -P 0x22 1M 64k",
              uri("metered/vm"))
          .ok();

      AdminSocket.Answer answer = admin.get("/metrics");
      assertEquals(200, answer.status());
      assertTrue(
          answer.contentType().startsWith("text/plain; version=0.0.4"), answer.contentType());
      PromText after = new PromText(answer.body());
      String[] vm = {"pool", "metered", "volume", "vm"};
      assertEquals(3, delta(before, after, "granary_volume_write_ops_total", vm));
      assertEquals(3 * MIB, delta(before, after, "granary_volume_write_bytes_total", vm));
      assertEquals(2, delta(before, after, "granary_volume_read_ops_total", vm));
      assertEquals(128 * KIB, delta(before, after, "granary_volume_read_bytes_total", vm));
      assertEquals(0, after.value("granary_volume_throttled_seconds_total", vm));
      assertEquals(
          3,
          delta(
              before,
              after,
              "granary_volume_request_duration_seconds_count",
              "op",
              "write",
              "pool",
              "metered"));
      assertEquals(
          2,
          delta(
              before,
              after,
              "granary_volume_request_duration_seconds_count",
              "op",
              "read",
              "pool",
              "metered"));
      assertEquals(
          2,
          after.value(
              "granary_volume_request_duration_seconds_bucket",
              "le",
              "+Inf",
              "op",
              "read",
              "pool",
              "metered"));
      assertEquals(
          0,
          after.value("granary_volume_read_ops_total", "pool", "metered", "volume", "idle"),
          "a volume never used has its series, at zero");

      String[] pool = {"pool", "metered"};
      assertEquals(1L << 30, after.value("granary_pool_capacity_bytes", pool));
      assertEquals(80 * MIB, after.value("granary_pool_provisioned_bytes", pool));
      assertEquals(0, after.value("granary_pool_alert_level", pool));
      assertEquals(
          0.70,
          after.value("granary_pool_threshold_ratio", "level", "warning", "pool", "metered"),
          1e-9);
      assertEquals(
          0.85,
          after.value("granary_pool_threshold_ratio", "level", "critical", "pool", "metered"),
          1e-9);
      assertTrue(after.value("granary_pool_used_bytes", pool) <= 3 * MIB);
      assertTrue(after.value("granary_pool_dedupe_ratio", pool) >= 1);
      assertTrue(after.value("granary_pool_compression_ratio", pool) >= 1);
      assertTrue(after.find("granary_pool_capacity_bytes", "pool", "default") != null);

      Path text = tmp.resolve("metrics.txt");
      Files.writeString(text, answer.body());
      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(text.toFile())
              .redirectErrorStream(true)
              .start();
      String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
      System.out.printf(
          "metrics: %d bytes scraped; promtool check metrics: rc %d%s%n",
          answer.body().length(), promtool.exitValue(), said.isBlank() ? "" : "\n" + said);
      assertEquals(0, promtool.exitValue(), said);

      HttpResponse<String> tcp =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, tcp.statusCode());
      assertEquals(
          after.value("granary_volume_write_bytes_total", vm),
          new PromText(tcp.body()).value("granary_volume_write_bytes_total", vm),
          "the TCP listener serves the same registry");

      cli.ok("volume", "delete", "metered/idle");
      assertFalse(scrape(admin).mentions("volume", "idle"), "a deleted volume's series go");
    }
  }

  @Test
  void nbdConnectionsAreCounted() throws Exception {
    Cli cli = start();
    cli.ok("volume", "create", "default/held", "--size", "1M");
    try (AdminSocket admin = new AdminSocket(tmp.resolve("data/admin.sock"))) {
      assertEquals(0, scrape(admin).value("granary_nbd_connections"));
      // qemu-io keeps its connection while it waits for commands on stdin.
      Process client =
          new ProcessBuilder("qemu-io", "-f", "raw", uri("default/held"))
              .redirectErrorStream(true)
              .start();
      try {
        assertEquals(1, awaitConnections(admin, 1));
      } finally {
        client.getOutputStream().close();
        client.waitFor();
      }
      assertEquals(0, awaitConnections(admin, 0));
      assertEquals(405, admin.send("POST", "/metrics").status());
    }
  }

  private static PromText scrape(AdminSocket admin) throws Exception {
    AdminSocket.Answer a = admin.get("/metrics");
    assertEquals(200, a.status(), a.body());
    return new PromText(a.body());
  }

  private static double awaitConnections(AdminSocket admin, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    double seen;
    while ((seen = scrape(admin).value("granary_nbd_connections")) != expected
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return seen;
  }

  private static double delta(PromText before, PromText after, String name, String... labels) {
    Double b = before.find(name, labels);
    return after.value(name, labels) - (b == null ? 0 : b);
  }
}
