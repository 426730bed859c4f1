package io.granary.appliance.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code granary completion}: a bash (and zsh) completion script generated from the commands. */
@Command(
    name = "completion",
    modelTransformer = LocalCommand.class,
    description = "Print a bash/zsh completion script: source <(granary completion).")
public final class CompletionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(AutoComplete.bash("granary", Granary.commandLine()));
    return 0;
  }
}
