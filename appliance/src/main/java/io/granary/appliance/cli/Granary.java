package io.granary.appliance.cli;

import io.granary.appliance.Version;
import io.granary.appliance.cli.pool.PoolCreate;
import io.granary.appliance.cli.pool.PoolDelete;
import io.granary.appliance.cli.pool.PoolList;
import io.granary.appliance.cli.pool.PoolSet;
import io.granary.appliance.cli.pool.PoolShow;
import io.granary.appliance.cli.profile.ProfileCreate;
import io.granary.appliance.cli.profile.ProfileDelete;
import io.granary.appliance.cli.profile.ProfileList;
import io.granary.appliance.cli.profile.ProfileSet;
import io.granary.appliance.cli.profile.ProfileShow;
import io.granary.appliance.cli.snapshot.SnapshotCreate;
import io.granary.appliance.cli.snapshot.SnapshotDelete;
import io.granary.appliance.cli.snapshot.SnapshotList;
import io.granary.appliance.cli.snapshot.SnapshotRollback;
import io.granary.appliance.cli.store.Gc;
import io.granary.appliance.cli.store.Scrub;
import io.granary.appliance.cli.store.Stats;
import io.granary.appliance.cli.volume.VolumeClone;
import io.granary.appliance.cli.volume.VolumeCreate;
import io.granary.appliance.cli.volume.VolumeDelete;
import io.granary.appliance.cli.volume.VolumeList;
import io.granary.appliance.cli.volume.VolumeRename;
import io.granary.appliance.cli.volume.VolumeResize;
import io.granary.appliance.cli.volume.VolumeSet;
import io.granary.appliance.cli.volume.VolumeShow;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code granary}: the admin CLI, noun then verb as zfs and rbd. Exit codes: 0 success, 1 the
 * operation failed (message on stderr), 2 bad usage. The options every daemon call shares are
 * declared here and inherited by every command below ({@link DaemonOptions}).
 */
@Command(
    name = "granary",
    versionProvider = Version.class,
    modelTransformer = Verbs.class,
    description = "Administer Granary: pools, volumes, snapshots, profiles.",
    footer = {
      "",
      "The options above other than -h and -V apply to every command that calls the "
          + "daemon: they may come before the command, after it or after the verb "
          + "(granary --data DIR volume list); the last one given wins."
    },
    subcommands = {
      Granary.Pool.class,
      Granary.Volume.class,
      Granary.Snapshot.class,
      Granary.Profile.class,
      StatusCommand.class,
      Stats.class,
      Scrub.class,
      Gc.class,
      ImportCommand.class,
      ExportCommand.class,
      VersionCommand.class,
      CompletionCommand.class
    })
public final class Granary {
  @Mixin HelpOptions help;

  @Mixin DaemonOptions daemon;

  @Mixin OutputOptions output;

  /**
   * The verbs of each noun, in the order its help lists them. {@link Verbs} adds them to the
   * tree, rather than the nouns' own {@code subcommands}, so that a call builds only its branch.
   */
  static final Map<String, List<Class<?>>> VERBS =
      Map.of(
          "pool",
          List.of(
              PoolCreate.class, PoolList.class, PoolShow.class, PoolSet.class, PoolDelete.class),
          "volume",
          List.of(
              VolumeCreate.class,
              VolumeList.class,
              VolumeShow.class,
              VolumeResize.class,
              VolumeRename.class,
              VolumeSet.class,
              VolumeDelete.class,
              VolumeClone.class),
          "snapshot",
          List.of(
              SnapshotCreate.class,
              SnapshotList.class,
              SnapshotDelete.class,
              SnapshotRollback.class),
          "profile",
          List.of(
              ProfileCreate.class,
              ProfileList.class,
              ProfileShow.class,
              ProfileSet.class,
              ProfileDelete.class));

  /** {@code granary pool ...}. */
  @Command(name = "pool", description = "Capacity pools.")
  static final class Pool {}

  /** {@code granary volume ...}. */
  @Command(name = "volume", description = "Volumes.")
  static final class Volume {}

  /** {@code granary snapshot ...}. */
  @Command(name = "snapshot", description = "Snapshots.")
  static final class Snapshot {}

  /** {@code granary profile ...}. */
  @Command(name = "profile", description = "Profiles (per-volume policy).")
  static final class Profile {}

  public static void main(String[] args) {
    System.exit(commandLineFor(args).execute(args));
  }

  /**
   * The whole command tree, every verb of every noun: for the help of every command, {@code
   * granary completion} and the tests. (The man pages and the completion script made at build
   * time get the same tree from the annotations.)
   */
  public static CommandLine commandLine() {
    return reportingErrors(new CommandLine(new Granary()));
  }

  /**
   * The tree a call with {@code args} needs: every noun and every command without one, but the
   * verbs of only the nouns among {@code args} ({@link Verbs#factoryFor}). It parses, runs and
   * reports errors for these arguments exactly as the whole tree does.
   */
  public static CommandLine commandLineFor(String... args) {
    return reportingErrors(new CommandLine(new Granary(), Verbs.factoryFor(args)));
  }

  /** Usage errors reported in one line and exit code 2; failures in one line and exit 1. */
  private static CommandLine reportingErrors(CommandLine cli) {
    cli.setParameterExceptionHandler(
        (e, a) -> {
          System.err.println("granary: " + e.getMessage());
          System.err.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for more information.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, c, p) -> {
          System.err.println("granary: " + e.getMessage());
          return 1;
        });
    return cli;
  }
}
