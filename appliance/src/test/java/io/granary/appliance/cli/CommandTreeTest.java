package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A call builds only the commands it names ({@link Granary#commandLineFor}), parses as the whole
 * tree does, and answers every help request and every usage error exactly as the whole tree does.
 * Parse only: no daemon.
 */
class CommandTreeTest {
  @TempDir Path tmp;

  @Test
  void aCallBuildsOnlyTheCommandsItNames() {
    assertEquals(
        List.of(List.of(), List.of("volume"), List.of("volume", "list")),
        CommandWords.of(Granary.commandLineFor("--data", "/srv/g", "volume", "list")));
    assertEquals(
        List.of(List.of(), List.of("version")), CommandWords.of(Granary.commandLineFor("version")));
    assertEquals(
        List.of(
            List.of(),
            List.of("pool"),
            List.of("pool", "list"),
            List.of("volume"),
            List.of("volume", "list")),
        CommandWords.of(Granary.commandLineFor("--data", "volume", "pool", "list")));
    List<List<String>> whole = CommandWords.of(Granary.commandLine());
    assertEquals(51, whole.size(), whole.toString());
    assertTrue(whole.contains(List.of("snapshot", "rollback")), whole.toString());
  }

  @Test
  void everyCallTheBranchParsesItParsesAsTheWholeTree() {
    List<String> differ = new ArrayList<>();
    for (List<String> words : CommandWords.of(Granary.commandLine())) {
      List<String> required = CommandWords.requiredArgs(words);
      List<List<String>> calls =
          List.of(
              CommandWords.join(words, required),
              CommandWords.join(List.of("--data", "/a", "-H"), words, required, List.of("--json")),
              CommandWords.join(words, List.of("--socket", "/s"), required));
      for (List<String> call : calls) {
        String[] args = call.toArray(String[]::new);
        String whole = parsed(Granary.commandLine(), args);
        String branch = parsed(Granary.commandLineFor(args), args);
        if (!whole.equals(branch)) {
          differ.add(call + ": " + whole + " but on the branch " + branch);
        }
      }
    }
    assertEquals(List.of(), differ);
  }

  @Test
  void aCallThatRunsFailsOnTheBranchAsOnTheWholeTree() {
    String[] args = {"--data", tmp.resolve("nowhere").toString(), "volume", "list"};
    Outcome whole = run(a -> Granary.commandLine(), args);
    assertEquals(1, whole.exit());
    assertTrue(whole.err().startsWith("granary: cannot list volumes: cannot reach"), whole.err());
    assertEquals(whole, run(Granary::commandLineFor, args));
  }

  @Test
  void anAtFileOfArgumentsGoesToTheWholeTree() throws Exception {
    Path args = tmp.resolve("args");
    Files.writeString(args, "snapshot --help\n");
    Outcome whole = run(a -> Granary.commandLine(), "@" + args);
    assertEquals(0, whole.exit());
    assertTrue(whole.out().startsWith("Usage: granary snapshot ["), whole.toString());
    assertEquals(whole, run(Granary::commandLineFor, "@" + args));
  }

  @Test
  void everyHelpAndEveryUsageErrorIsTheWholeTreesOwn() {
    List<List<String>> calls = new ArrayList<>();
    for (List<String> words : CommandWords.of(Granary.commandLine())) {
      calls.add(CommandWords.join(words, List.of("-h")));
      calls.add(CommandWords.join(words, List.of("--no-such-option")));
      calls.add(words); // a noun without a verb, a command without its arguments
    }
    calls.addAll(
        List.of(
            List.of("nope"),
            List.of("volum", "list"),
            List.of("volume", "lst"),
            List.of("volume", "list", "a", "b"),
            List.of("--data"),
            List.of("--data", "volume", "pool", "nope"),
            List.of("version", "--data", "/a"),
            List.of("-V"),
            List.of("--", "volume", "list")));
    List<String> differ = new ArrayList<>();
    for (List<String> call : calls) {
      String[] args = call.toArray(String[]::new);
      if (!needsTheDaemon(args)) {
        Outcome whole = run(a -> Granary.commandLine(), args);
        Outcome branch = run(Granary::commandLineFor, args);
        boolean help = call.contains("-h");
        if (help != whole.out().startsWith("Usage: granary")) {
          differ.add(call + ": " + whole); // a comparison of nothing would prove nothing
        } else if (!whole.equals(branch)) {
          differ.add(call + ":\n" + whole + "\nbut the call's own tree:\n" + branch);
        }
      }
    }
    assertEquals(List.of(), differ);
  }

  /** Whether {@code args} parse and would call the daemon (which these tests have none of). */
  private static boolean needsTheDaemon(String... args) {
    try {
      List<CommandLine> parsed = Granary.commandLine().parseArgs(args).asCommandLineList();
      CommandLine last = parsed.get(parsed.size() - 1);
      return last.getCommand() instanceof ApiCommand && !last.isUsageHelpRequested();
    } catch (CommandLine.ParameterException e) {
      return false;
    }
  }

  /** What a call printed and how it exited. */
  private record Outcome(int exit, String out, String err) {}

  /**
   * Runs a call on the tree {@code tree} makes for it, with what it prints caught. The tree is made
   * once System.out is swapped: picocli's default handler keeps the System.out of its time and
   * prints help there.
   */
  private static Outcome run(Function<String[], CommandLine> tree, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = tree.apply(args).execute(args);
      return new Outcome(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The commands a parse went through, each with the options and parameters it matched. */
  private static String parsed(CommandLine cli, String... args) {
    try {
      StringBuilder b = new StringBuilder();
      for (CommandLine c : cli.parseArgs(args).asCommandLineList()) {
        b.append(c.getCommandSpec().qualifiedName()).append(' ');
        for (ArgSpec a : c.getParseResult().matchedArgs()) {
          String name = a.isOption() ? ((OptionSpec) a).longestName() : a.paramLabel();
          b.append(name).append('=').append(a.stringValues()).append(' ');
        }
      }
      return b.toString();
    } catch (CommandLine.ParameterException e) {
      return "usage error: " + e.getMessage();
    }
  }
}
