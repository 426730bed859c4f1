package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.torture.Admin;
import io.granary.appliance.torture.TortureRun;
import io.granary.testing.FreePort;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash torture of a real granaryd: writers over NBD and an administrator making snapshots,
 * clones, deletions and garbage collections, the daemon killed with SIGKILL and checked after
 * each restart; on a local pool, and on one whose packs go to a bucket, whose server is killed
 * too (and at the end, the uploads must finish and a checkpoint be published). A short run of
 * each is part of every test run; {@code make torture} runs 50 cycles of each ({@code
 * -Dgranary.torture.cycles=N}, {@code -Dgranary.torture.seed=S} to repeat a run's choices; the
 * kill moments depend on timing and do not repeat exactly).
 */
class TortureIT {
  @TempDir Path tmp;
  private DaemonProcess daemon;
  private TestBucket bucket;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  @ParameterizedTest
  @EnumSource(PoolMedium.class)
  void everyAcknowledgedWriteSnapshotAndCloneSurvivesKill9(PoolMedium medium) throws Exception {
    int cycles = Integer.getInteger("granary.torture.cycles", 4);
    long seed = Long.getLong("granary.torture.seed", System.nanoTime());
    int port = FreePort.pick();
    daemon = new DaemonProcess(tmp.resolve("data"));
    Cli cli = new Cli(tmp.resolve("data"));
    if (medium == PoolMedium.BUCKET) {
      bucket = TestBucket.start(tmp);
    }
    TortureRun run =
        new TortureRun(
            new TortureRun.Appliance() {
              private boolean storeDown;

              @Override
              public void start() throws Exception {
                daemon.start("--nbd-listen", "127.0.0.1:" + port);
              }

              @Override
              public void kill9() throws Exception {
                daemon.kill9();
              }

              @Override
              public boolean killWhileStarting(long millis) throws Exception {
                return daemon.killWhileStarting(millis, "--nbd-listen", "127.0.0.1:" + port);
              }

              @Override
              public int nbdPort() {
                return port;
              }

              @Override
              public Admin.Result run(String... args) {
                Cli.Result r = cli.run(args);
                return new Admin.Result(r.exit(), r.out() + r.err());
              }

              @Override
              public String preparePool() {
                if (bucket == null) {
                  return "default";
                }
                cli.ok(bucket.create("remote", "10G", null));
                return "remote";
              }

              @Override
              public boolean hasObjectStore() {
                return bucket != null;
              }

              @Override
              public synchronized void killObjectStore() throws Exception {
                storeDown = true;
                bucket.server.kill();
              }

              @Override
              public synchronized void startObjectStore() throws Exception {
                if (storeDown) {
                  bucket.server.start();
                  storeDown = false;
                }
              }
            },
            seed);
    try {
      run.run(cycles);
    } finally {
      System.out.println(medium + " pool, seed " + seed + "\n" + run.summary());
    }
    assertTrue(run.failures().isEmpty(), run.summary());
    if (bucket != null) {
      // after every outage and kill, the uploads finish and a checkpoint is published
      cli.ok("pool", "checkpoint", "remote");
      System.out.println(
          "the bucket after the run: "
              + bucket.objects("packs/").size()
              + " objects under packs/; "
              + TestBucket.uploaded(cli, "remote"));
    }
  }
}
