package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.VolumeRef;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What every command that calls the daemon shares: where the daemon is, the output options,
 * and the error rule: {@code granary: cannot VERB OBJECT: REASON} on stderr, exit 1, or 2 for
 * a bad argument.
 */
public abstract class ApiCommand implements Callable<Integer> {
  protected static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin
  protected DaemonOptions daemon;

  @Mixin
  protected OutputOptions output;

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
    try (ApiClient api = new ApiClient(daemon.socket())) {
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
    out.println(PRETTY.writeValueAsString(n));
  }
}
