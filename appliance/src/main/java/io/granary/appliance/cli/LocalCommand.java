package io.granary.appliance.cli;

import java.util.List;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The model of a command that never calls the daemon ({@code version}, {@code completion}):
 * without the options inherited from {@code granary}, all of which concern the daemon or its
 * answers, so that {@code granary version --data DIR} is refused rather than silently ignored.
 */
public final class LocalCommand implements IModelTransformer {
  @Override
  public CommandSpec transform(CommandSpec spec) {
    for (OptionSpec o : List.copyOf(spec.options())) {
      if (o.inherited()) {
        spec.remove(o);
      }
    }
    return spec;
  }
}
