package io.granary.appliance.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands of a tree as the words that name them ({@code []}, {@code [volume]},
 * {@code [volume, list]}...), and a call's pieces, for the tests that try every command.
 */
final class CommandWords {
  private CommandWords() {}

  /** Every command of {@code tree}, the root first, each before its subcommands. */
  static List<List<String>> of(CommandLine tree) {
    List<List<String>> all = new ArrayList<>();
    collect(tree, List.of(), all);
    return all;
  }

  private static void collect(CommandLine c, List<String> words, List<List<String>> out) {
    out.add(words);
    c.getSubcommands().forEach((name, sub) -> collect(sub, join(words, List.of(name)), out));
  }

  /** The command {@code words} name in the whole tree. */
  static CommandLine command(List<String> words) {
    CommandLine c = Granary.commandLine();
    for (String w : words) {
      c = c.getSubcommands().get(w);
    }
    return c;
  }

  /** A value for each required option and positional parameter of the command. */
  static List<String> requiredArgs(List<String> words) {
    CommandLine c = command(words);
    List<String> args = new ArrayList<>();
    for (OptionSpec o : c.getCommandSpec().options()) {
      if (o.required()) {
        args.add(o.longestName());
        args.add("1");
      }
    }
    for (PositionalParamSpec p : c.getCommandSpec().positionalParameters()) {
      for (int i = 0; i < p.arity().min(); i++) {
        args.add("1");
      }
    }
    return args;
  }

  /** The words of every part, in order. */
  @SafeVarargs
  static List<String> join(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
