package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.torture.Admin;
import io.granary.appliance.torture.TortureRun;
import io.granary.testing.FreePort;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash torture of a real granaryd: writers over NBD and an administrator making snapshots,
 * clones, deletions and garbage collections, the daemon killed with SIGKILL and checked after
 * each restart. A short run is part of every test run; {@code make torture} runs 50 cycles
 * ({@code -Dgranary.torture.cycles=N}, {@code -Dgranary.torture.seed=S} to repeat a run's
 * choices; the kill moments depend on timing and do not repeat exactly).
 */
class TortureIT {
  @TempDir Path tmp;
  private DaemonProcess daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void everyAcknowledgedWriteSnapshotAndCloneSurvivesKill9() throws Exception {
    int cycles = Integer.getInteger("granary.torture.cycles", 4);
    long seed = Long.getLong("granary.torture.seed", System.nanoTime());
    int port = FreePort.pick();
    daemon = new DaemonProcess(tmp.resolve("data"));
    Cli cli = new Cli(tmp.resolve("data"));
    TortureRun run =
        new TortureRun(
            new TortureRun.Appliance() {
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
            },
            seed);
    try {
      run.run(cycles);
    } finally {
      System.out.println("seed " + seed + "\n" + run.summary());
    }
    assertTrue(run.failures().isEmpty(), run.summary());
  }
}
