package io.granary.appliance;

import io.granary.appliance.cli.Granary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the granary CLI in this JVM against a daemon's data directory, capturing its output. */
final class Cli {
  /** What a command printed and how it exited. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "stderr:\n" + err;
    }
  }

  private final Path data;

  Cli(Path data) {
    this.data = data;
  }

  synchronized Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of(args));
      boolean needsDaemon =
          !all.isEmpty()
              && !all.get(0).equals("version")
              && !all.get(0).equals("completion")
              && !all.contains("--help");
      if (needsDaemon) {
        all.add("--data");
        all.add(data.toString());
      }
      String[] words = all.toArray(String[]::new);
      int exit = Granary.commandLineFor(words).execute(words); // as main runs a call
      return new Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Runs and requires success. */
  Result ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", args) + " failed: " + r);
    }
    return r;
  }
}
