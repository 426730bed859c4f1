package io.granary.appliance.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Adds the commands under {@code granary} ({@link Granary#SUBCOMMANDS}) to the model picocli
 * builds from its annotation: every one of them when picocli makes this transformer itself, so
 * that whatever builds the tree from the annotations (the help test, {@code granary completion},
 * the man pages and the completion script made at build time) sees the whole tree; only those a
 * call names when the factory of {@link #factoryFor} makes it. Picocli reads every option of every
 * command it builds (annotation proxies, interpolation, a converter registry per command, the
 * inherited options): for the whole tree of 35 commands that was most of a simple call's time.
 *
 * <p>Added here, inside picocli's construction of the tree, rather than to the finished tree, so
 * that picocli still applies the subcommands' own model transformers ({@link LocalCommand}).
 */
final class CommandTree implements IModelTransformer {
  private final Predicate<String> wanted;

  /** Every command: the whole tree. */
  public CommandTree() {
    this(name -> true);
  }

  private CommandTree(Predicate<String> wanted) {
    this.wanted = wanted;
  }

  /**
   * The factory of a call with {@code args}: picocli's own, but its {@code CommandTree} adds only
   * the commands whose names are among {@code args}, wherever they stand. Picocli takes a word for
   * a subcommand only when it is that subcommand's name exactly (no abbreviations, case counts),
   * so every command the call invokes is built; a name given as an option's value only costs that
   * command's time. A call this branch cannot parse goes to the whole tree ({@link
   * Granary#commandLineFor}).
   */
  static IFactory factoryFor(String... args) {
    IFactory standard = CommandLine.defaultFactory();
    Set<String> named = Set.copyOf(Arrays.asList(args));
    return new IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == CommandTree.class
            ? cls.cast(new CommandTree(named::contains))
            : standard.create(cls);
      }
    };
  }

  @Override
  public CommandSpec transform(CommandSpec granary) {
    addSubcommands(granary.commandLine(), Granary.class);
    return granary;
  }

  private void addSubcommands(CommandLine parent, Class<?> type) {
    for (Class<?> sub : Granary.SUBCOMMANDS.getOrDefault(type, List.of())) {
      String name = sub.getAnnotation(Command.class).name();
      if (wanted.test(name)) {
        parent.addSubcommand(sub);
        addSubcommands(parent.getSubcommands().get(name), sub);
      }
    }
  }
}
