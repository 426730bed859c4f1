package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.appliance.cli.Granary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The help text of every command against a golden copy (as rbd's help.t does), so a change of
 * the command line is always a deliberate, reviewed one. After such a change, regenerate with
 * {@code -Dgranary.updateGolden=true} and read the diff.
 */
class CliHelpTest {
  private static final Path GOLDEN = Path.of("src/test/resources/help");

  @Test
  void everyCommandsHelpMatchesItsGoldenCopy() throws Exception {
    List<String> mismatched = new ArrayList<>();
    List<CommandLine> all = new ArrayList<>();
    collect(Granary.commandLine(), all);
    assertTrue(all.size() >= 30, "found " + all.size() + " commands");
    boolean update = Boolean.getBoolean("granary.updateGolden");
    for (CommandLine c : all) {
      String name = c.getCommandSpec().qualifiedName("-");
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      Path file = GOLDEN.resolve(name + ".txt");
      if (update) {
        Files.writeString(file, help, StandardCharsets.UTF_8);
      } else if (!Files.exists(file)
          || !Files.readString(file, StandardCharsets.UTF_8).equals(help)) {
        mismatched.add(name);
      }
    }
    assertEquals(List.of(), mismatched, "help text changed; see the javadoc to regenerate");
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().forEach(s -> collect(s, out));
  }
}
