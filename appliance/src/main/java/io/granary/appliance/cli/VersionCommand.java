package io.granary.appliance.cli;

import io.granary.appliance.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code granary version}: this CLI's version (no daemon needed). */
@Command(
    name = "version",
    modelTransformer = LocalCommand.class,
    description = "Print the version.")
public final class VersionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("granary " + Version.current());
    return 0;
  }
}
