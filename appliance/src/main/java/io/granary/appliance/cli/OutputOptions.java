package io.granary.appliance.cli;

import picocli.CommandLine.Option;

/** How listings print: tables for people, {@code -H} for scripts, {@code --json} for programs. */
public final class OutputOptions {
  @Option(names = "--json", description = "Print the API's JSON.")
  public boolean json;

  @Option(names = "-H", description = "Scripted: no header, fields separated by one tab.")
  public boolean scripted;

  @Option(names = "-p", description = "Exact numbers (bytes) instead of 10G.")
  public boolean parsable;

  public String size(long bytes) {
    return parsable ? Long.toString(bytes) : io.granary.appliance.units.Sizes.human(bytes);
  }
}
