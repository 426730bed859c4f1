package io.granary.appliance.cli;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.InitializationException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Adds each noun's verbs ({@link Granary#VERBS}) to the model of {@code granary}: all of them when
 * picocli makes this transformer itself, so that whatever builds the tree from the annotations
 * (the help test, {@code granary completion}, the man pages and the completion script made at
 * build time) sees every command; only those of the nouns a call names when the factory of {@link
 * #factoryFor} makes it. Picocli reads every option of every command it builds (annotations,
 * interpolation, converters, the inherited options): for all 35 commands that was most of a
 * simple call's time, for the one noun a call names a fraction of it.
 *
 * <p>Added here, inside picocli's construction of the tree, rather than to the finished tree, so
 * that picocli still applies the verbs' own model transformers.
 */
final class Verbs implements IModelTransformer {
  private final Predicate<String> wanted;

  /** Every noun's verbs: the whole tree. */
  public Verbs() {
    this(noun -> true);
  }

  private Verbs(Predicate<String> wanted) {
    this.wanted = wanted;
  }

  /**
   * The factory of a call with {@code args}: as picocli's own, but its {@code Verbs} add the verbs
   * of only the nouns that are among {@code args}. Picocli takes a word for a subcommand only when
   * it is that subcommand's name exactly (no abbreviations, case counts), so the noun the call
   * invokes is among them; a noun's name given as an option's value only costs its verbs' time.
   * An {@code @FILE} of arguments (which picocli expands later) gets the whole tree.
   */
  static IFactory factoryFor(String... args) {
    IFactory standard = CommandLine.defaultFactory();
    for (String a : args) {
      if (a.startsWith("@")) {
        return standard;
      }
    }
    Set<String> named = Set.copyOf(Arrays.asList(args));
    return new IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == Verbs.class ? cls.cast(new Verbs(named::contains)) : standard.create(cls);
      }
    };
  }

  @Override
  public CommandSpec transform(CommandSpec granary) {
    Granary.VERBS.forEach(
        (noun, verbs) -> {
          CommandLine n = granary.subcommands().get(noun);
          if (n == null) {
            throw new InitializationException("granary has no noun '" + noun + "' for its verbs");
          }
          if (wanted.test(noun)) {
            verbs.forEach(n::addSubcommand);
          }
        });
    return granary;
  }
}
