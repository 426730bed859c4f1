package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A call builds only the verbs of the nouns it names ({@link Granary#commandLineFor}), and
 * answers every help request and every usage error exactly as the whole tree does. Parse only: no
 * daemon.
 */
class VerbsTest {
  @TempDir Path tmp;

  @Test
  void aCallBuildsTheVerbsOfOnlyTheNounsItNames() {
    assertEquals(
        Map.of("pool", 0, "volume", 8, "snapshot", 0, "profile", 0),
        verbCounts(Granary.commandLineFor("--data", "/srv/g", "volume", "list")));
    assertEquals(
        Map.of("pool", 0, "volume", 0, "snapshot", 0, "profile", 0),
        verbCounts(Granary.commandLineFor("version")));
    assertEquals(
        Map.of("pool", 5, "volume", 8, "snapshot", 4, "profile", 5),
        verbCounts(Granary.commandLine()));
    assertEquals(
        Granary.commandLine().getSubcommands().keySet(),
        Granary.commandLineFor().getSubcommands().keySet());
  }

  @Test
  void anAtFileOfArgumentsGetsTheWholeTree() throws Exception {
    Path args = tmp.resolve("args");
    Files.writeString(args, "snapshot --help\n");
    assertEquals(
        Map.of("pool", 5, "volume", 8, "snapshot", 4, "profile", 5),
        verbCounts(Granary.commandLineFor("@" + args)));
    Outcome whole = run(a -> Granary.commandLine(), "@" + args);
    assertEquals(0, whole.exit());
    assertTrue(whole.out().startsWith("Usage: granary snapshot ["), whole.toString());
    assertEquals(whole, run(Granary::commandLineFor, "@" + args));
  }

  @Test
  void everyHelpAndEveryUsageErrorIsTheWholeTreesOwn() {
    List<List<String>> calls = new ArrayList<>();
    for (List<String> words : commands(Granary.commandLine(), List.of())) {
      calls.add(plus(words, "-h"));
      calls.add(plus(words, "--no-such-option"));
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

  private static Map<String, Integer> verbCounts(CommandLine granary) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String noun : Granary.VERBS.keySet()) {
      counts.put(noun, granary.getSubcommands().get(noun).getSubcommands().size());
    }
    return counts;
  }

  /** Every command of the tree, as the words that name it: [], [volume], [volume, list]... */
  private static List<List<String>> commands(CommandLine c, List<String> words) {
    List<List<String>> all = new ArrayList<>();
    all.add(words);
    c.getSubcommands().forEach((name, sub) -> all.addAll(commands(sub, plus(words, name))));
    return all;
  }

  private static List<String> plus(List<String> words, String word) {
    List<String> all = new ArrayList<>(words);
    all.add(word);
    return all;
  }
}
