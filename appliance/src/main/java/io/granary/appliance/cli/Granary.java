package io.granary.appliance.cli;

import io.granary.appliance.Version;
import io.granary.appliance.cli.pool.PoolAttach;
import io.granary.appliance.cli.pool.PoolCheckpoint;
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
import io.granary.appliance.cli.remote.RemoteAdd;
import io.granary.appliance.cli.remote.RemoteList;
import io.granary.appliance.cli.remote.RemoteRemove;
import io.granary.appliance.cli.remote.RemoteShow;
import io.granary.appliance.cli.remote.RemoteTest;
import io.granary.appliance.cli.snapshot.SnapshotCreate;
import io.granary.appliance.cli.snapshot.SnapshotDelete;
import io.granary.appliance.cli.snapshot.SnapshotDiff;
import io.granary.appliance.cli.snapshot.SnapshotList;
import io.granary.appliance.cli.snapshot.SnapshotRollback;
import io.granary.appliance.cli.store.Gc;
import io.granary.appliance.cli.store.Scrub;
import io.granary.appliance.cli.store.Stats;
import io.granary.appliance.cli.task.TaskList;
import io.granary.appliance.cli.task.TaskShow;
import io.granary.appliance.cli.volume.VolumeClone;
import io.granary.appliance.cli.volume.VolumeCreate;
import io.granary.appliance.cli.volume.VolumeDelete;
import io.granary.appliance.cli.volume.VolumeList;
import io.granary.appliance.cli.volume.VolumePromote;
import io.granary.appliance.cli.volume.VolumeRename;
import io.granary.appliance.cli.volume.VolumeReplicate;
import io.granary.appliance.cli.volume.VolumeResize;
import io.granary.appliance.cli.volume.VolumeSet;
import io.granary.appliance.cli.volume.VolumeShow;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

/**
 * {@code granary}: the admin CLI, noun then verb as zfs and rbd. Exit codes: 0 success, 1 the
 * operation failed (message on stderr), 2 bad usage. The options every daemon call shares are
 * declared here and inherited by every command below ({@link DaemonOptions}).
 */
@Command(
    name = "granary",
    versionProvider = Version.class,
    modelTransformer = CommandTree.class,
    description = "Administer Granary: pools, volumes, snapshots, profiles.",
    footer = {
      "",
      "The options above other than -h and -V apply to every command that calls the "
          + "daemon: they may come before the command, after it or after the verb "
          + "(granary --data DIR volume list); the last one given wins."
    })
public final class Granary {
  @Mixin HelpOptions help;

  @Mixin DaemonOptions daemon;

  @Mixin OutputOptions output;

  /**
   * The subcommands of each command, in the order its help lists them: what would otherwise be
   * their annotations' {@code subcommands}, which picocli builds all of for every call. {@link
   * CommandTree} adds them, all or only a call's branch.
   */
  static final Map<Class<?>, List<Class<?>>> SUBCOMMANDS =
      Map.of(
          Granary.class,
          List.of(
              Pool.class,
              Volume.class,
              Snapshot.class,
              Profile.class,
              Remote.class,
              Task.class,
              StatusCommand.class,
              Stats.class,
              Scrub.class,
              Gc.class,
              ImportCommand.class,
              ExportCommand.class,
              SendCommand.class,
              ReceiveCommand.class,
              VersionCommand.class,
              CompletionCommand.class),
          Pool.class,
          List.of(
              PoolCreate.class,
              PoolAttach.class,
              PoolList.class,
              PoolShow.class,
              PoolSet.class,
              PoolCheckpoint.class,
              PoolDelete.class),
          Volume.class,
          List.of(
              VolumeCreate.class,
              VolumeList.class,
              VolumeShow.class,
              VolumeResize.class,
              VolumeRename.class,
              VolumeSet.class,
              VolumeDelete.class,
              VolumeClone.class,
              VolumePromote.class,
              VolumeReplicate.class),
          Snapshot.class,
          List.of(
              SnapshotCreate.class,
              SnapshotList.class,
              SnapshotDelete.class,
              SnapshotRollback.class,
              SnapshotDiff.class),
          Profile.class,
          List.of(
              ProfileCreate.class,
              ProfileList.class,
              ProfileShow.class,
              ProfileSet.class,
              ProfileDelete.class),
          Remote.class,
          List.of(
              RemoteAdd.class,
              RemoteList.class,
              RemoteShow.class,
              RemoteTest.class,
              RemoteRemove.class),
          Task.class,
          List.of(TaskList.class, TaskShow.class));

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

  /** {@code granary remote ...}. */
  @Command(name = "remote", description = "Other appliances to replicate to.")
  static final class Remote {}

  /** {@code granary task ...}. */
  @Command(name = "task", description = "Tasks the daemon runs in the background.")
  static final class Task {}

  public static void main(String[] args) {
    // Picocli's factory otherwise looks for Groovy's Closure class, which we never use, and not
    // finding it opens every jar of the classpath (with all 56 of lib/, a third of a call).
    System.setProperty("picocli.disable.closures", "true");
    System.exit(commandLineFor(args).execute(args));
  }

  /**
   * The whole command tree: for the help of every command, {@code granary completion} and the
   * tests. (The man pages and the completion script made at build time get the same tree from the
   * annotations: picocli's own factory makes a {@link CommandTree} of every command.)
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Granary());
    cli.setParameterExceptionHandler(new Errors());
    cli.setExecutionExceptionHandler(new Errors());
    return cli;
  }

  /**
   * The branch of the tree that a call with {@code args} names ({@link CommandTree#factoryFor}),
   * which answers the call as the whole tree would ({@link Branch}).
   */
  public static CommandLine commandLineFor(String... args) {
    CommandLine branch = new CommandLine(new Granary(), CommandTree.factoryFor(args));
    branch.setParameterExceptionHandler(new Branch());
    branch.setExecutionStrategy(new Branch());
    branch.setExecutionExceptionHandler(new Errors());
    return branch;
  }

  /**
   * How a branch answers: it runs what it parsed, but hands to the whole tree what it could not
   * answer alike: a call it cannot parse (picocli's suggestions would name only the commands it
   * has, and a command it lacks may be in an {@code @FILE}), a request for help (a command's help
   * lists its subcommands) and a call that stops at {@code granary} or at a noun (whose error is
   * that one of its subcommands is missing). Classes rather than lambdas, here and in {@link
   * Errors}: the class-data archive leaves out picocli's Java 5 classes that a lambda of theirs
   * links when the archive is made, {@code CommandLine} itself among them.
   */
  private static final class Branch implements IExecutionStrategy, IParameterExceptionHandler {
    @Override
    public int execute(ParseResult parsed) {
      List<CommandLine> commands = parsed.asCommandLineList();
      boolean help = false;
      for (CommandLine c : commands) {
        help |= c.isUsageHelpRequested();
      }
      Object last = commands.get(commands.size() - 1).getCommand();
      if (help || SUBCOMMANDS.containsKey(last.getClass())) {
        return commandLine().execute(parsed.originalArgs().toArray(String[]::new));
      }
      try {
        return new RunLast().execute(parsed);
      } catch (ParameterException e) {
        return new Errors().handleParseException(e, null); // raised while running: never rerun
      }
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
      return commandLine().execute(args);
    }
  }

  /** Usage errors in one line with a pointer to the help, exit 2; failures in one line, exit 1. */
  private static final class Errors
      implements IParameterExceptionHandler, IExecutionExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
      System.err.println("granary: " + e.getMessage());
      System.err.println(
          "Try '"
              + e.getCommandLine().getCommandSpec().qualifiedName()
              + " --help' for more information.");
      return 2;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
      System.err.println("granary: " + e.getMessage());
      return 1;
    }
  }
}
