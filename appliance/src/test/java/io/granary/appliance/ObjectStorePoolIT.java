package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.testing.ExternalTool;
import io.granary.testing.FreePort;
import io.granary.testing.S3Proxy;
import io.granary.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A pool on an object store (a real S3 server, s3proxy) through a real daemon, its CLI and real
 * NBD clients: created with {@code --s3}, its volumes served, its packs uploaded to the bucket
 * and read back from there once the spool let them go; and the clear refusals of a wrong
 * endpoint, bucket or key.
 */
class ObjectStorePoolIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = TestBucket.NAME;
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private TestBucket bucket;
  private S3Proxy s3;
  private DaemonProcess daemon;
  private Cli cli;
  private Path credentials;
  private int port;

  @BeforeEach
  void start() throws Exception {
    bucket = TestBucket.start(tmp);
    s3 = bucket.server;
    credentials = bucket.credentials;
    port = FreePort.pick();
    startDaemon();
  }

  private void startDaemon() throws Exception {
    daemon = new DaemonProcess(tmp.resolve("data")).start("--nbd-listen", "127.0.0.1:" + port);
    cli = new Cli(tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  private List<S3Object> objects(String prefix) {
    return bucket.objects(prefix);
  }

  private JsonNode show(String pool) throws Exception {
    return JSON.readTree(cli.ok("pool", "show", pool, "--json").out());
  }

  private String uri(String export) {
    return "nbd://127.0.0.1:" + port + "/" + export;
  }

  /** Waits until every sealed pack of the pool is in the bucket; returns its view then. */
  private JsonNode uploaded(String pool) throws Exception {
    return TestBucket.uploaded(cli, pool);
  }

  private static long packsIn(Path spool) throws Exception {
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(p -> p.toString().endsWith(".pack")).count();
    }
  }

  @Test
  void aPoolOnAnObjectStoreServesVolumesFromTheBucket() throws Exception {
    ExternalTool.require("nbdcopy");
    cli.ok(bucket.create("remote", "10G", "site-a"));
    cli.ok("volume", "create", "remote/vm1", "--size", "160M");
    byte[] image = TestData.random(17, 100 * MIB); // incompressible: more than one 64 MiB pack
    Path source = tmp.resolve("source.raw");
    Files.write(source, image);
    ExternalTool.run(120, "nbdcopy", "--flush", source.toString(), uri("remote/vm1")).ok();

    JsonNode s3view = uploaded("remote"); // the first pack, sealed while the copy ran
    assertEquals("s3://" + BUCKET + "/site-a/ at " + s3.endpoint(), s3view.get("url").asText());
    String shown =
        cli.ok("pool", "show", "remote").out() + cli.ok("pool", "show", "remote", "--json").out();
    assertTrue(shown.contains("uploadBacklog"), shown);
    assertFalse(shown.contains(S3Proxy.SECRET_KEY), "the secret is never shown");
    assertFalse(daemon.log().contains(S3Proxy.SECRET_KEY), "nor logged");

    daemon.stop(); // the last pack is sealed as the store opens again, then uploaded
    startDaemon();
    uploaded("remote");
    Path spool = tmp.resolve("data/pools/remote/store/packs");
    assertEquals(0, packsIn(spool), "every pack left the spool");
    List<S3Object> packs = objects("site-a/packs/");
    assertTrue(packs.size() >= 2, packs.toString());

    Path back = tmp.resolve("back.raw");
    ExternalTool.run(120, "nbdcopy", uri("remote/vm1"), back.toString()).ok();
    byte[] read = Files.readAllBytes(back);
    assertArrayEquals(image, java.util.Arrays.copyOf(read, image.length));
    JsonNode after = show("remote").get("objectStore");
    assertTrue(after.get("requests").get("get").asLong() > 0, "read back from the bucket");

    try (AdminSocket admin = new AdminSocket(tmp.resolve("data/admin.sock"))) {
      PromText m = new PromText(admin.get("/metrics").body());
      assertTrue(
          m.value("granary_pool_object_requests_total", "pool", "remote", "kind", "put") > 0);
      assertTrue(
          m.value("granary_pool_object_requests_total", "pool", "remote", "kind", "get") > 0);
      assertEquals(0, m.value("granary_pool_upload_backlog_bytes", "pool", "remote"));
      assertTrue(
          m.value(
                  "granary_pool_object_transferred_bytes_total",
                  "pool",
                  "remote",
                  "direction",
                  "down")
              >= image.length,
          "every page read once at least");
      assertTrue(m.value("granary_pool_object_request_cost_estimate", "pool", "remote") > 0);
      assertEquals(null, m.find("granary_pool_upload_backlog_bytes", "pool", "default"), "local");
    }
  }

  /**
   * The object store killed while a volume is written: the writes go on (into the spool), the
   * data reads back, {@code granary status} says why the uploads wait; with the store back they
   * finish by themselves.
   */
  @Test
  void withTheStoreDownVolumesGoOnAndStatusSaysWhy() throws Exception {
    ExternalTool.require("nbdcopy");
    cli.ok(bucket.create("remote", "10G", null));
    cli.ok("volume", "create", "remote/vm1", "--size", "96M");
    byte[] image = TestData.random(31, 80 * MIB); // more than one 64 MiB pack
    Path source = tmp.resolve("source.raw");
    Files.write(source, image);
    s3.kill();
    try {
      ExternalTool.run(120, "nbdcopy", "--flush", source.toString(), uri("remote/vm1")).ok();
      JsonNode store = awaitState("failing");
      assertTrue(store.get("uploadBacklogBytes").asLong() > 0, store.toString());
      String status = cli.ok("status").out();
      assertTrue(status.contains("uploads failing"), status);
      Path back = tmp.resolve("back.raw");
      ExternalTool.run(120, "nbdcopy", uri("remote/vm1"), back.toString()).ok();
      assertArrayEquals(image, java.util.Arrays.copyOf(Files.readAllBytes(back), image.length));
    } finally {
      s3.start();
    }
    awaitState("ok");
    cli.ok("pool", "checkpoint", "remote");
    assertTrue(cli.ok("status").out().contains("ok (s3://"));
  }

  /**
   * kill -9 while packs go up (and the rest of the data is in the spool and the journal): after
   * a restart on the same disk every flushed byte reads back, the uploads finish, the spool
   * empties, and a checkpoint can be published.
   */
  @Test
  void killedWhilePacksGoUpNothingFlushedIsLostAndTheUploadsFinish() throws Exception {
    ExternalTool.require("nbdcopy");
    cli.ok(bucket.create("remote", "10G", null));
    cli.ok("volume", "create", "remote/vm1", "--size", "160M");
    byte[] image = TestData.random(41, 150 * MIB); // two 64 MiB packs seal while it is written
    Path source = tmp.resolve("source.raw");
    Files.write(source, image);
    ExternalTool.run(120, "nbdcopy", "--flush", source.toString(), uri("remote/vm1")).ok();
    daemon.kill9();
    startDaemon();
    Path back = tmp.resolve("back.raw");
    ExternalTool.run(120, "nbdcopy", uri("remote/vm1"), back.toString()).ok();
    assertArrayEquals(image, java.util.Arrays.copyOf(Files.readAllBytes(back), image.length));
    cli.ok("pool", "checkpoint", "remote"); // waits for the packs it needs
    uploaded("remote");
    assertEquals(0, packsIn(tmp.resolve("data/pools/remote/store/packs")), "the spool emptied");
    assertTrue(objects("packs/").size() >= 2, objects("packs/").toString());
  }

  private JsonNode awaitState(String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      JsonNode s = JSON.readTree(cli.ok("status", "--json").out()).get("objectStores").get(0);
      if (s.get("state").asText().equals(state)) {
        return s;
      }
      assertTrue(System.nanoTime() < deadline, "never " + state + ": " + s);
      Thread.sleep(500);
    }
  }

  @Test
  void aWrongEndpointBucketOrKeyIsRefusedAtCreateAndLeavesNothing() throws Exception {
    int closed = FreePort.pick();
    String creds = credentials.toString();
    refused(
        "cannot read s3://" + BUCKET + "/lease: Unable to execute HTTP request",
        "--s3",
        "http://127.0.0.1:" + closed,
        "--bucket",
        BUCKET,
        "--credentials",
        creds);
    refused(
        "NoSuchBucket",
        "--s3",
        s3.endpoint().toString(),
        "--bucket",
        "no-such-bucket",
        "--credentials",
        creds);
    refused(
        "no credentials for s3://" + BUCKET + " in profile [site-b]",
        "--s3",
        s3.endpoint().toString(),
        "--bucket",
        BUCKET,
        "--credentials",
        creds,
        "--credentials-profile",
        "site-b");
    refused(
        "no credentials for s3://" + BUCKET + " in granaryd's environment",
        "--s3",
        s3.endpoint().toString(),
        "--bucket",
        BUCKET);
    Path wrongKey = tmp.resolve("wrong.credentials");
    Files.writeString(
        wrongKey,
        "[default]\naws_access_key_id = "
            + S3Proxy.ACCESS_KEY
            + "\naws_secret_access_key = nope\n");
    refused(
        "HTTP 403",
        "--s3",
        s3.endpoint().toString(),
        "--bucket",
        BUCKET,
        "--credentials",
        wrongKey.toString());
    assertTrue(objects("").isEmpty(), "nothing written to the bucket");
    assertFalse(cli.ok("pool", "list").out().contains("bad"));
    assertFalse(Files.exists(tmp.resolve("data/pools/bad")), "no directory left behind");
    // and the same name works once the bucket is right
    cli.ok(bucket.create("bad", "1G", null));
    // but not a second pool where that one lives: its lease and packs are there
    List<String> keys = objects("").stream().map(S3Object::key).sorted().toList();
    Cli.Result taken = cli.run(bucket.create("second", "1G", null));
    assertEquals(1, taken.exit(), taken.toString());
    assertTrue(taken.err().contains("already holds a pool"), taken.err());
    assertEquals(keys, objects("").stream().map(S3Object::key).sorted().toList());
    assertFalse(Files.exists(tmp.resolve("data/pools/second")), "no directory left behind");
  }

  private void refused(String expected, String... bucketArgs) throws Exception {
    String[] args =
        Stream.concat(Stream.of("pool", "create", "bad", "--capacity", "1G"), Stream.of(bucketArgs))
            .toArray(String[]::new);
    Cli.Result r = cli.run(args);
    assertEquals(1, r.exit(), String.join(" ", args) + ": " + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), "no stack traces: " + r.err());
    assertFalse(r.err().contains("nope"), "no secret in the message: " + r.err());
  }

  /**
   * Disaster recovery: a pool with a volume, a snapshot and a clone, the daemon stopped and its
   * whole data directory deleted; a new daemon attaches the pool from the bucket alone and
   * serves every volume and snapshot byte for byte as they were, with the pool's settings.
   */
  @Test
  void aPoolComesBackFromItsBucketAloneOnANewAppliance() throws Exception {
    ExternalTool.require("nbdcopy", "qemu-io");
    String[] bucketArgs = bucket.args("site-dr");
    cli.ok(
        concat(
            new String[] {"pool", "create", "dr", "--capacity", "7G", "--warn", "70"}, bucketArgs));
    cli.ok("volume", "create", "dr/vm1", "--size", "96M");
    Path source = tmp.resolve("source.raw");
    Files.write(source, TestData.random(23, 40 * MIB));
    ExternalTool.run(120, "nbdcopy", "--flush", source.toString(), uri("dr/vm1")).ok();
    cli.ok("snapshot", "create", "dr/vm1@s1");
    ExternalTool.run(
            60, "qemu-io", "-f", "raw", "-c", "write -P 0x55 1M 3M", "-c", "flush", uri("dr/vm1"))
        .ok();
    cli.ok("volume", "clone", "dr/vm1@s1", "dr/vm2");
    ExternalTool.run(
            60, "qemu-io", "-f", "raw", "-c", "write -P 0x66 80M 2M", "-c", "flush", uri("dr/vm2"))
        .ok();
    List<String> exports = List.of("dr/vm1", "dr/vm1@s1", "dr/vm2");
    java.util.Map<String, byte[]> before = new java.util.HashMap<>();
    for (String e : exports) {
      before.put(e, copyOut(e, "before"));
    }

    daemon.stop(); // publishes the last checkpoint after the volumes flushed
    io.granary.dedupe.api.Directories.deleteTree(tmp.resolve("data"));
    startDaemon();
    String out = cli.ok(concat(new String[] {"pool", "attach", "dr"}, bucketArgs)).out();
    assertTrue(out.contains("2 volumes"), out);
    for (String e : exports) {
      assertArrayEquals(before.get(e), copyOut(e, "after"), e + " after attaching");
    }
    JsonNode p = show("dr");
    assertEquals(7L << 30, p.get("capacityBytes").asLong());
    assertEquals(70, p.get("warnPercent").asInt());
    Cli.Result again = cli.run(concat(new String[] {"pool", "attach", "dr"}, bucketArgs));
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("already exists"), again.err());

    // it goes on from there: written, checkpointed, and attached once more elsewhere
    ExternalTool.run(
            60, "qemu-io", "-f", "raw", "-c", "write -P 0x77 0 1M", "-c", "flush", uri("dr/vm2"))
        .ok();
    cli.ok("pool", "checkpoint", "dr");
    byte[] vm2 = copyOut("dr/vm2", "later");
    daemon.kill9(); // no last checkpoint, no release of the lease
    io.granary.dedupe.api.Directories.deleteTree(tmp.resolve("data"));
    startDaemon();
    Cli.Result held = cli.run(concat(new String[] {"pool", "attach", "dr"}, bucketArgs));
    assertEquals(1, held.exit());
    assertTrue(held.err().contains("in use by appliance"), held.err());
    // once its lease lapsed (30 s), only an explicit take-over attaches it
    attachOnceTheLeaseLapsed(
        concat(new String[] {"pool", "attach", "dr", "--take-over"}, bucketArgs));
    assertArrayEquals(vm2, copyOut("dr/vm2", "again"), "as of the checkpoint published above");
  }

  /**
   * {@code durability = remote}: what a FLUSH or an FUA write acknowledged is in the bucket,
   * checkpoint included, before the answer; the appliance killed and its disk lost right after,
   * a new one attaches the pool from the bucket with every acknowledged byte.
   */
  @Test
  void withRemoteDurabilityAFlushIsInTheBucketBeforeItIsAcknowledged() throws Exception {
    ExternalTool.require("nbdcopy", "qemu-io");
    String[] bucketArgs = {
      "--s3",
      s3.endpoint().toString(),
      "--bucket",
      BUCKET,
      "--prefix",
      "site-remote",
      "--credentials",
      credentials.toString()
    };
    cli.ok(
        concat(
            new String[] {"pool", "create", "far", "--capacity", "5G", "--durability", "remote"},
            bucketArgs));
    assertEquals("remote", show("far").get("objectStore").get("durability").asText());
    assertTrue(cli.ok("pool", "show", "far").out().contains("a FLUSH waits for the bucket"));
    assertEquals(List.of(), objects("site-remote/checkpoints/"), "a checkpoint of nothing");
    cli.ok("volume", "create", "far/vm1", "--size", "64M");
    java.util.Set<String> published = checkpointKeys("site-remote/");
    assertEquals(1, published.size(), "the new volume is in the bucket when acknowledged");
    ExternalTool.run(
            60,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -P 0x5a 0 1M",
            "-c",
            "write -P 0x3c 4M 64k",
            "-c",
            "flush",
            "-c",
            "write -f -P 0x7e 9M 12k",
            uri("far/vm1"))
        .ok();
    assertFalse(
        published.containsAll(checkpointKeys("site-remote/")), "the FLUSH published nothing");
    byte[] acknowledged = copyOut("far/vm1", "acknowledged");
    daemon.kill9(); // at once: no checkpoint at close, the lease not released
    io.granary.dedupe.api.Directories.deleteTree(tmp.resolve("data"));
    startDaemon();
    attachOnceTheLeaseLapsed(
        concat(
            new String[] {"pool", "attach", "far", "--take-over", "--durability", "remote"},
            bucketArgs));
    byte[] back = copyOut("far/vm1", "attached");
    assertArrayEquals(acknowledged, back, "what was acknowledged, from the bucket alone");
    byte[] expected = new byte[64 * MIB];
    java.util.Arrays.fill(expected, 0, MIB, (byte) 0x5a);
    java.util.Arrays.fill(expected, 4 * MIB, 4 * MIB + 65536, (byte) 0x3c);
    java.util.Arrays.fill(expected, 9 * MIB, 9 * MIB + 12288, (byte) 0x7e);
    assertArrayEquals(expected, back);
    assertEquals("remote", show("far").get("objectStore").get("durability").asText());
  }

  /**
   * {@code attach --read-only} beside the writer: a second appliance serves every volume and
   * snapshot read-only, without the lease, writes nothing to the bucket, refuses every change,
   * and stays read-only across a restart; the writer goes on undisturbed.
   */
  @Test
  void aSecondApplianceAttachesReadOnlyBesideTheWriter() throws Exception {
    ExternalTool.require("nbdcopy", "qemu-io");
    String[] bucketArgs = {
      "--s3",
      s3.endpoint().toString(),
      "--bucket",
      BUCKET,
      "--prefix",
      "site-ro",
      "--credentials",
      credentials.toString()
    };
    cli.ok(concat(new String[] {"pool", "create", "shared", "--capacity", "5G"}, bucketArgs));
    cli.ok("volume", "create", "shared/vm1", "--size", "32M");
    ExternalTool.run(
            60,
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -P 0x42 0 3M",
            "-c",
            "flush",
            uri("shared/vm1"))
        .ok();
    cli.ok("snapshot", "create", "shared/vm1@s1");
    cli.ok("pool", "checkpoint", "shared");
    byte[] vm1 = copyOut("shared/vm1", "writer");

    int readerPort = FreePort.pick();
    Path readerData = tmp.resolve("reader");
    DaemonProcess reader =
        new DaemonProcess(readerData).start("--nbd-listen", "127.0.0.1:" + readerPort);
    try {
      Cli readerCli = new Cli(readerData);
      String out =
          readerCli
              .ok(concat(new String[] {"pool", "attach", "shared", "--read-only"}, bucketArgs))
              .out();
      assertTrue(out.contains("1 volumes, read-only"), out);
      JsonNode view = JSON.readTree(readerCli.ok("pool", "show", "shared", "--json").out());
      assertTrue(view.get("objectStore").get("readOnly").asBoolean());
      assertEquals(0, view.get("objectStore").get("requests").get("put").asLong());
      String readerVm1 = "nbd://127.0.0.1:" + readerPort + "/shared/vm1";
      Path back = tmp.resolve("reader-vm1.raw");
      ExternalTool.run(120, "nbdcopy", readerVm1, back.toString()).ok();
      assertArrayEquals(vm1, Files.readAllBytes(back));
      ExternalTool.run(120, "nbdcopy", readerVm1 + "@s1", back.toString()).ok();
      assertArrayEquals(vm1, Files.readAllBytes(back));
      ExternalTool.Result write =
          ExternalTool.run(60, "qemu-io", "-f", "raw", "-c", "write -P 0x1 0 4k", readerVm1);
      assertTrue(
          write.exit() != 0 || write.stdout().contains("failed"), write.stdout() + write.stderr());
      Cli.Result refused = readerCli.run("volume", "create", "shared/vm2", "--size", "1M");
      assertEquals(1, refused.exit());
      assertTrue(refused.err().contains("read-only"), refused.err());
      refused = readerCli.run("snapshot", "create", "shared/vm1@s2");
      assertEquals(1, refused.exit());
      assertTrue(refused.err().contains("read-only"), refused.err());

      // the writer goes on: its lease is its own
      ExternalTool.run(
              60,
              "qemu-io",
              "-f",
              "raw",
              "-c",
              "write -P 0x43 0 1M",
              "-c",
              "flush",
              uri("shared/vm1"))
          .ok();
      cli.ok("pool", "checkpoint", "shared");

      reader.stop();
      reader = new DaemonProcess(readerData).start("--nbd-listen", "127.0.0.1:" + readerPort);
      view = JSON.readTree(readerCli.ok("pool", "show", "shared", "--json").out());
      assertTrue(view.get("objectStore").get("readOnly").asBoolean(), "read-only after a restart");
      ExternalTool.run(120, "nbdcopy", readerVm1, back.toString()).ok();
      assertArrayEquals(vm1, Files.readAllBytes(back), "as of the checkpoint it attached");
      JsonNode requests = view.get("objectStore").get("requests");
      assertEquals(0, requests.get("put").asLong(), "the reader wrote to the bucket: " + view);
      assertEquals(0, requests.get("delete").asLong(), "the reader deleted: " + view);
    } finally {
      reader.close();
    }
  }

  /** A pool's request-rate and bandwidth limits hold its requests back, and say for how long. */
  @Test
  void aPoolsLimitsHoldItsRequestsBack() throws Exception {
    ExternalTool.require("nbdcopy");
    cli.ok(
        "pool",
        "create",
        "slow",
        "--capacity",
        "5G",
        "--s3",
        s3.endpoint().toString(),
        "--bucket",
        BUCKET,
        "--prefix",
        "site-slow",
        "--credentials",
        credentials.toString(),
        "--requests-per-second",
        "4",
        "--bandwidth",
        "8M");
    assertTrue(
        cli.ok("pool", "show", "slow").out().contains("4 requests/s, 8M/s"),
        cli.ok("pool", "show", "slow").out());
    cli.ok("volume", "create", "slow/vm1", "--size", "64M");
    Path source = tmp.resolve("slow.raw");
    Files.write(source, TestData.random(77, 40 * MIB)); // nothing to dedupe or compress
    ExternalTool.run(120, "nbdcopy", "--flush", source.toString(), uri("slow/vm1")).ok();
    long t0 = System.nanoTime();
    cli.ok("pool", "checkpoint", "slow"); // 40 MiB and more up at 8 MiB/s: 4 s at least
    double took = (System.nanoTime() - t0) / 1e9;
    JsonNode s = show("slow").get("objectStore");
    assertTrue(took >= 3, "40 MiB went up in " + took + " s at 8 MiB/s");
    assertTrue(s.get("throttledSeconds").asDouble() >= 2, s.toString());
    try (AdminSocket admin = new AdminSocket(tmp.resolve("data/admin.sock"))) {
      PromText m = new PromText(admin.get("/metrics").body());
      assertTrue(m.value("granary_pool_object_throttled_seconds_total", "pool", "slow") >= 2);
    }
  }

  private java.util.Set<String> checkpointKeys(String prefix) {
    return objects(prefix + "checkpoints/").stream()
        .map(S3Object::key)
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Runs {@code attach --take-over} until the killed holder's lease lapses (30 s): refused as in
   * use until then, and within 90 s.
   */
  private void attachOnceTheLeaseLapsed(String... attach) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    Cli.Result taken;
    while ((taken = cli.run(attach)).exit() != 0) {
      assertTrue(taken.err().contains("in use by appliance"), taken.err());
      assertTrue(System.nanoTime() < deadline, "the lease never lapsed: " + taken.err());
      Thread.sleep(2_000);
    }
  }

  private byte[] copyOut(String export, String tag) throws Exception {
    Path f = tmp.resolve(export.replace('/', '_').replace('@', '_') + "." + tag + ".raw");
    ExternalTool.run(120, "nbdcopy", uri(export), f.toString()).ok();
    byte[] b = Files.readAllBytes(f);
    Files.delete(f);
    return b;
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
