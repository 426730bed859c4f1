package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that calls the daemon shares: where the daemon is, the output options
 * (both inherited from {@code granary}, see {@link DaemonOptions}), and the error rule:
 * {@code granary: cannot VERB OBJECT: REASON} on stderr, exit 1, or 2 for a bad argument.
 */
public abstract class ApiCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  protected final PrintStream out = System.out;

  /** The pool of a name given without one. */
  private static final String DEFAULT_POOL = "default";

  /** What the command does, for error messages: "create volume default/vm1". */
  protected abstract String action() throws InvalidNameException;

  protected abstract void run(ApiClient api) throws Exception;

  @Override
  public Integer call() {
    String action;
    try {
      action = action();
    } catch (IllegalArgumentException | InvalidNameException e) {
      System.err.println("granary: " + e.getMessage());
      return 2;
    }
    try (ApiClient api = new ApiClient(socket())) {
      run(api);
      return 0;
    } catch (ApiError e) {
      System.err.println("granary: cannot " + action + ": " + e.getMessage());
      return e.exitCode();
    } catch (IllegalArgumentException | InvalidNameException e) {
      System.err.println("granary: cannot " + action + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("granary: cannot " + action + ": " + e);
      return 1;
    }
  }

  /** The admin socket, from the daemon options wherever they were given. */
  Path socket() {
    return inherited(DaemonOptions.class).socket();
  }

  /** How to print: {@code --json}, {@code -H}, {@code -p}, wherever they were given. */
  protected OutputOptions output() {
    return inherited(OutputOptions.class);
  }

  /** The options {@code granary} declares for every command under it (its mixins). */
  private <T> T inherited(Class<T> type) {
    for (CommandSpec mixin : spec.root().mixins().values()) {
      if (type.isInstance(mixin.userObject())) {
        return type.cast(mixin.userObject());
      }
    }
    throw new IllegalStateException(
        spec.qualifiedName() + " runs under granary, which holds its " + type.getSimpleName());
  }

  /** A volume on the command line: {@code [POOL/]VOLUME}. */
  protected static VolumeRef volume(String text) throws InvalidNameException {
    return VolumeRef.parse(text, DEFAULT_POOL).expectVolume();
  }

  /** A snapshot on the command line: {@code [POOL/]VOLUME@SNAPSHOT}. */
  protected static VolumeRef snapshot(String text) throws InvalidNameException {
    return VolumeRef.parse(text, DEFAULT_POOL).expectSnapshot();
  }

  /** A volume or one of its snapshots on the command line. */
  protected static VolumeRef volumeOrSnapshot(String text) throws InvalidNameException {
    return VolumeRef.parse(text, DEFAULT_POOL);
  }

  /** The admin API's resource of the volume {@code ref} names (or whose snapshot it names). */
  protected static String volumePath(VolumeRef ref) {
    return "/api/v1/pools/" + ref.pool() + "/volumes/" + ref.volume();
  }

  protected void printJson(JsonNode n) throws Exception {
    out.println(Pretty.MAPPER.writeValueAsString(n));
  }

  /**
   * Jackson's pretty printer, made on the first {@code --json}, not when picocli instantiates
   * every command: Jackson's first ObjectMapper costs about a third of a CPU-second, which
   * {@code --help} and a usage error need not pay.
   */
  private static final class Pretty {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
