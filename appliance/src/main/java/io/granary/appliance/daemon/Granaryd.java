package io.granary.appliance.daemon;

import io.granary.appliance.Version;
import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code granaryd}: the daemon, in the foreground. Options override the configuration file,
 * which overrides the embedded defaults. SIGTERM and SIGINT stop it cleanly. Under systemd
 * ({@code Type=notify}) it reports READY=1 once serving and STOPPING=1 when it begins to stop.
 */
@Command(
    name = "granaryd",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "The Granary daemon: pools, volumes, the admin API (and NBD and FUSE).")
public final class Granaryd implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (TOML, see docs/configuration.md).")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory (default: $GRANARY_DATA, else ./var; the installed "
              + "launchers set /var/lib/granary).")
  Path data;

  @Option(
      names = "--nbd-listen",
      paramLabel = "HOST:PORT",
      description = "NBD listener, or 'none' (default 127.0.0.1:10809).")
  String nbdListen;

  @Option(
      names = "--mount",
      paramLabel = "DIR",
      description = "FUSE mount point, or 'none' (default DATA/mnt).")
  String mount;

  @Option(
      names = "--clock-speed",
      hidden = true,
      defaultValue = "1",
      description = "For tests: the daemon's clock runs this many times faster.")
  double clockSpeed;

  public static void main(String[] args) {
    System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
    LogFormat.install();
    CommandLine cli = new CommandLine(new Granaryd());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          System.err.println(
              "granaryd: cannot start: " + (e.getMessage() == null ? e : e.getMessage()));
          return 1;
        });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String env = System.getenv("GRANARY_DATA");
    Path defaultData = Path.of(env != null && !env.isEmpty() ? env : "var");
    ApplianceConfig cfg =
        ConfigLoader.load(config, new ConfigLoader.Overrides(data, nbdListen, mount), defaultData);
    if (!(clockSpeed >= 1)) {
      throw new IllegalArgumentException("--clock-speed must be 1 or more");
    }
    Daemon daemon = Daemon.start(cfg, Version.current(), clockSpeed);
    // Type=notify: systemd orders dependants and reports the start only now, once every
    // journal is replayed and every listener bound.
    SystemdNotify systemd = SystemdNotify.fromEnvironment();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    systemd.send("STOPPING=1\nSTATUS=stopping: flushing every volume");
                    daemon.close();
                  } catch (Exception e) {
                    System.getLogger("granaryd")
                        .log(System.Logger.Level.ERROR, "unclean stop: " + e.getMessage(), e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "granaryd-shutdown"));
    System.getLogger("granaryd")
        .log(
            System.Logger.Level.INFO,
            "granaryd {0} ready: data {1}, admin socket {2}",
            Version.current(),
            cfg.data(),
            cfg.adminSocket());
    systemd.send("READY=1\nSTATUS=serving the pools of " + cfg.data());
    stopped.await();
    return 0;
  }
}
