package io.granary.appliance.cli;

import java.util.List;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The model of a command that never calls the daemon ({@code version}, {@code completion}):
 * without the daemon and output options inherited from {@code granary}, so that {@code granary
 * version --data DIR} is refused rather than silently ignored.
 */
public final class LocalCommand implements IModelTransformer {
  @Override
  public CommandSpec transform(CommandSpec spec) {
    for (OptionSpec o : List.copyOf(spec.options())) {
      if (o.inherited() && concernsTheDaemon(o)) {
        spec.remove(o);
      }
    }
    return spec;
  }

  /** Whether the option is one of {@link DaemonOptions} or {@link OutputOptions}. */
  private static boolean concernsTheDaemon(OptionSpec o) {
    try {
      Object holder = o.scope().get();
      return holder instanceof DaemonOptions || holder instanceof OutputOptions;
    } catch (Exception e) {
      throw new IllegalStateException("cannot tell where " + o.longestName() + " belongs", e);
    }
  }
}
