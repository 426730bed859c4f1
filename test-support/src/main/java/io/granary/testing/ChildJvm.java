package io.granary.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of the test classpath in a separate JVM, to be killed for real. */
public final class ChildJvm {
  private ChildJvm() {}

  public static Process start(Class<?> main, String... args) throws IOException {
    return new ProcessBuilder(command(main, args))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** Starts {@code main} with stdout and stderr appended to {@code log}. */
  public static Process startLogged(Class<?> main, Path log, String... args) throws IOException {
    return startLogged(main, log, Map.of(), args);
  }

  /** Starts {@code main} with {@code env} added to this JVM's environment, logged to {@code log}. */
  public static Process startLogged(
      Class<?> main, Path log, Map<String, String> env, String... args) throws IOException {
    return startLogged(List.of(), main, log, env, args);
  }

  /**
   * The same, through {@code wrapper} (a command such as setpriv that execs the rest of its
   * arguments, so the process is still the JVM).
   */
  public static Process startLogged(
      List<String> wrapper, Class<?> main, Path log, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(command(main, args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** A process builder for {@code main} in a JVM of its own, to redirect as the caller likes. */
  public static ProcessBuilder builder(Class<?> main, String... args) {
    return new ProcessBuilder(command(main, args));
  }

  private static List<String> command(Class<?> main, String... args) {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** SIGKILL, as a crash or the OOM killer would, and wait until the process is gone. */
  public static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor();
  }
}
