package io.granary.appliance.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

  /** What the command does, for error messages: "create volume default/vm1". */
  protected abstract String action();

  protected abstract void run(ApiClient api) throws Exception;

  @Override
  public Integer call() {
    String action;
    try {
      action = action();
    } catch (IllegalArgumentException e) {
      System.err.println("granary: " + e.getMessage());
      return 2;
    }
    try (ApiClient api = new ApiClient(daemon.socket())) {
      run(api);
      return 0;
    } catch (ApiError e) {
      System.err.println("granary: cannot " + action + ": " + e.getMessage());
      return e.exitCode();
    } catch (IllegalArgumentException e) {
      System.err.println("granary: cannot " + action + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("granary: cannot " + action + ": " + e);
      return 1;
    }
  }

  protected void printJson(JsonNode n) throws Exception {
    out.println(PRETTY.writeValueAsString(n));
  }
}
