package io.granary.appliance.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code -h} and {@code -V}, declared once on {@code granary} and inherited by every command, in
 * place of picocli's standard help mixin on each: picocli copies an inherited option, whereas it
 * builds the standard mixin by reflection anew for every command, a fifth of the CLI's start.
 */
public final class HelpOptions {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      scope = ScopeType.INHERIT,
      description = "Print version information and exit.")
  boolean version;
}
