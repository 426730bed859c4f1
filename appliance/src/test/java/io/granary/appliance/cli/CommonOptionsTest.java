package io.granary.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options common to every command that calls the daemon are accepted before the noun,
 * after it and after the verb (the README's {@code granary --data DIR volume list}), for every
 * such command, and the last one given wins. Parse only: no daemon.
 */
class CommonOptionsTest {
  private static final Path DATA = Path.of("/srv/g");
  private static final Path SOCKET = DATA.resolve("admin.sock").toAbsolutePath();

  @Test
  void everyDaemonCommandTakesDataBeforeTheNounAfterItAndAfterTheVerb() {
    List<List<String>> commands = daemonCommands();
    assertTrue(commands.size() >= 28, "found " + commands.size() + " commands");
    List<String> failures = new ArrayList<>();
    for (List<String> words : commands) {
      List<String> required = CommandWords.requiredArgs(words);
      List<List<String>> placements = new ArrayList<>();
      placements.add(CommandWords.join(List.of("--data", DATA.toString()), words, required));
      if (words.size() == 2) {
        placements.add(
            CommandWords.join(
                List.of(words.get(0), "--data", DATA.toString(), words.get(1)), required));
      }
      placements.add(CommandWords.join(words, List.of("--data", DATA.toString()), required));
      placements.add(CommandWords.join(words, required, List.of("--data", DATA.toString())));
      for (List<String> args : placements) {
        try {
          Path socket = parse(args).socket();
          if (!socket.equals(SOCKET)) {
            failures.add(String.join(" ", args) + ": socket " + socket);
          }
        } catch (CommandLine.ParameterException e) {
          failures.add(String.join(" ", args) + ": " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void theLastOneGivenWinsAndSocketOverridesData() {
    assertEquals(
        Path.of("/c/admin.sock"),
        parse("--data", "/a", "volume", "--data", "/b", "list", "--data", "/c").socket());
    assertEquals(
        Path.of("/b/admin.sock"), parse("--data", "/a", "status", "--data", "/b").socket());
    assertEquals(Path.of("/s"), parse("--socket", "/s", "pool", "list", "--data", "/b").socket());
  }

  @Test
  void outputOptionsAreAcceptedAtEveryLevel() {
    OutputOptions top = parse("--json", "-H", "-p", "volume", "list").output();
    assertTrue(top.json && top.scripted && top.parsable);
    OutputOptions noun = parse("pool", "-H", "list").output();
    assertTrue(noun.scripted && !noun.json && !noun.parsable);
    assertTrue(parse("stats", "-p").output().parsable);
  }

  @Test
  void commandsThatNeverCallTheDaemonRefuseItsOptions() {
    for (String local : List.of("version", "completion")) {
      assertThrows(
          CommandLine.UnmatchedArgumentException.class,
          () -> Granary.commandLine().parseArgs(local, "--data", "/a"),
          local);
      assertThrows(
          CommandLine.UnmatchedArgumentException.class,
          () -> Granary.commandLine().parseArgs(local, "--json"),
          local);
    }
    // Before the command it belongs to granary, which accepts it for whatever follows.
    Granary.commandLine().parseArgs("--data", "/a", "version");
  }

  @Test
  void everyCommandPrintsItsHelpWithHAndWithHelp() {
    List<List<String>> all = CommandWords.of(Granary.commandLine());
    assertTrue(all.size() >= 35, "found " + all.size() + " commands");
    for (List<String> words : all) {
      for (String h : List.of("-h", "--help")) {
        StringWriter help = new StringWriter();
        CommandLine c = Granary.commandLine();
        c.setOut(new PrintWriter(help));
        assertEquals(
            0,
            c.execute(CommandWords.join(words, List.of(h)).toArray(String[]::new)),
            words + " " + h);
        assertTrue(
            help.toString()
                .startsWith(
                    String.join(" ", CommandWords.join(List.of("Usage: granary"), words)) + " ["),
            words + " " + h + ": " + help);
      }
    }
  }

  @Test
  void theDataGivenBeforeTheNounIsTheOneCalled() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Granary.commandLine().execute("--data", "/nonexistent/granary", "volume", "list");
    } finally {
      System.setErr(old);
    }
    assertEquals(1, exit);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith(
                "granary: cannot list volumes: "
                    + "cannot reach granaryd at /nonexistent/granary/admin.sock (no socket there)"),
        err.toString());
  }

  private static ApiCommand parse(String... args) {
    return parse(List.of(args));
  }

  private static ApiCommand parse(List<String> args) {
    List<CommandLine> parsed =
        Granary.commandLine().parseArgs(args.toArray(String[]::new)).asCommandLineList();
    return (ApiCommand) parsed.get(parsed.size() - 1).getCommand();
  }

  /** Every command that calls the daemon, as the words that name it: [volume, list], [status]. */
  private static List<List<String>> daemonCommands() {
    return CommandWords.of(Granary.commandLine()).stream()
        .filter(words -> CommandWords.command(words).getCommand() instanceof ApiCommand)
        .toList();
  }
}
