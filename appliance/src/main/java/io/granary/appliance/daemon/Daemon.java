package io.granary.appliance.daemon;

import io.granary.appliance.admin.AdminRoutes;
import io.granary.appliance.admin.AdminServer;
import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.config.HostPort;
import io.granary.appliance.frontend.FuseFrontEnd;
import io.granary.appliance.frontend.NbdFrontEnd;
import io.granary.appliance.frontend.PoolExports;
import io.granary.appliance.frontend.PoolFiles;
import io.granary.appliance.metrics.Metrics;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.qos.Throttles;
import io.granary.appliance.remote.Remotes;
import io.granary.appliance.replication.ReplicationHistory;
import io.granary.appliance.replication.ReplicationLags;
import io.granary.appliance.replication.Replicator;
import io.granary.appliance.schedule.PolicyScheduler;
import io.granary.appliance.schedule.ScheduledReplication;
import io.granary.appliance.task.Tasks;
import io.granary.fuse.api.FuseMount;
import io.granary.nbd.api.NbdServer;
import java.io.Closeable;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * A running granaryd: the lock on its data directory, the pools (with their volumes' QoS
 * throttles and metrics), the tasks, the NBD listener, the FUSE mount, the admin API and the
 * optional metrics listener.
 * Starts in that order and stops in the reverse one, so a clean stop has flushed every volume
 * before the lock is released.
 */
public final class Daemon implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

  /** How often automatic snapshots and pool alerts are looked at, in real time. */
  private static final Duration SCHEDULER_PERIOD = Duration.ofSeconds(15);

  private final DaemonLock lock;
  private final Provisioning provisioning;
  private final Tasks tasks;
  private final NbdServer nbd;
  private final FuseMount mount;
  private final AdminServer admin;
  private final PolicyScheduler scheduler;
  private final Closeable metricsListener;

  private Daemon(
      DaemonLock lock,
      Provisioning provisioning,
      Tasks tasks,
      PolicyScheduler scheduler,
      NbdServer nbd,
      FuseMount mount,
      AdminServer admin,
      Closeable metricsListener) {
    this.lock = lock;
    this.provisioning = provisioning;
    this.tasks = tasks;
    this.scheduler = scheduler;
    this.nbd = nbd;
    this.mount = mount;
    this.admin = admin;
    this.metricsListener = metricsListener;
  }

  public static Daemon start(ApplianceConfig config, String version) throws Exception {
    return start(config, version, 1);
  }

  /**
   * Starts with time running {@code clockSpeed} times faster than real time (tests of the
   * automatic snapshots); 1 is real time.
   */
  public static Daemon start(ApplianceConfig config, String version, double clockSpeed)
      throws Exception {
    if (!Files.exists(config.data())) {
      Files.createDirectories(
          config.data(),
          PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString(
                  config.adminGroup() == null ? "rwx------" : "rwxr-x---")));
    }
    DaemonLock lock = DaemonLock.acquire(config.data());
    Provisioning provisioning = null;
    Tasks tasks = null;
    PolicyScheduler scheduler = null;
    NbdServer nbd = null;
    FuseMount mount = null;
    AdminServer admin = null;
    try {
      Clock clock = clockSpeed == 1 ? Clock.systemUTC() : new ScaledClock(clockSpeed);
      provisioning = Provisioning.open(config, clock);
      Pools pools = provisioning.pools();
      Throttles throttles = Throttles.over(provisioning, System::nanoTime);
      Metrics metrics = Metrics.create(pools, throttles);
      tasks = new Tasks(clock, 2);
      Replicator replicator =
          new Replicator(
              Remotes.in(config.data()),
              ReplicationHistory.open(config.data().resolve("replication.json")),
              clock);
      ReplicationLags lags =
          new ReplicationLags(pools, provisioning.profiles(), replicator.history(), clock);
      metrics.replication(lags::all);
      scheduler =
          PolicyScheduler.start(
              pools,
              provisioning.profiles(),
              new ScheduledReplication(pools, provisioning.profiles(), replicator, tasks),
              clock,
              Duration.ofMillis(Math.max(100, (long) (SCHEDULER_PERIOD.toMillis() / clockSpeed))));
      nbd = NbdFrontEnd.start(config.nbd(), new PoolExports(pools, throttles, metrics));
      if (nbd != null) {
        metrics.nbdConnections(nbd::connections);
        metrics.nbdRefused(nbd::refusedConnections);
      }
      mount = FuseFrontEnd.start(config.mount(), new PoolFiles(provisioning, throttles, metrics));
      admin =
          AdminServer.start(
              config,
              AdminRoutes.build(config, provisioning, tasks, nbd, mount, replicator, lags, version),
              metrics);
      Closeable metricsListener =
          config.metricsListen() == null
              ? null
              : metrics.listen(HostPort.parse("metrics.listen", config.metricsListen()));
      LOG.log(
          Level.INFO,
          "NBD: {0}",
          nbd == null
              ? "off"
              : "serving every volume on "
                  + nbd.addresses()
                  + ", TLS "
                  + config.nbd().tls().mode().name().toLowerCase(Locale.ROOT));
      LOG.log(
          Level.INFO,
          "FUSE: {0}",
          mount == null ? "not mounted" : "volumes as files at " + mount.mountPoint());
      return new Daemon(lock, provisioning, tasks, scheduler, nbd, mount, admin, metricsListener);
    } catch (Exception e) {
      if (admin != null) {
        try {
          admin.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (mount != null) {
        mount.close();
      }
      if (nbd != null) {
        nbd.close();
      }
      if (tasks != null) {
        tasks.close();
      }
      if (scheduler != null) {
        scheduler.close();
      }
      if (provisioning != null) {
        provisioning.close();
      }
      lock.close();
      throw e;
    }
  }

  /** Stops accepting, lets tasks finish, flushes and closes every pool, releases the lock. */
  @Override
  public void close() throws Exception {
    LOG.log(Level.INFO, "stopping: flushing every volume");
    try {
      if (metricsListener != null) {
        metricsListener.close();
      }
      admin.close();
      if (mount != null) {
        mount.close();
      }
      if (nbd != null) {
        // Ends every NBD connection and waits for its requests before the pools close.
        nbd.close();
      }
      scheduler.close(); // no new scheduled work while the tasks finish
      tasks.close();
      provisioning.close();
      LOG.log(Level.INFO, "stopped cleanly");
    } finally {
      lock.close();
    }
  }

  public AdminServer admin() {
    return admin;
  }
}
