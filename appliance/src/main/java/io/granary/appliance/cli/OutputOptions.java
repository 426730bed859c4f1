package io.granary.appliance.cli;

import io.granary.appliance.units.Sizes;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * How listings print: tables for people, {@code -H} for scripts, {@code --json} for programs.
 * Inherited from {@code granary} like {@link DaemonOptions}: accepted before the noun, after it
 * or after the verb.
 */
public final class OutputOptions {
  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON.")
  public boolean json;

  @Option(
      names = "-H",
      scope = ScopeType.INHERIT,
      description = "Scripted: no header, fields separated by one tab.")
  public boolean scripted;

  @Option(
      names = "-p",
      scope = ScopeType.INHERIT,
      description = "Exact numbers (bytes) instead of 10G.")
  public boolean parsable;

  public String size(long bytes) {
    return parsable ? Long.toString(bytes) : Sizes.human(bytes);
  }
}
