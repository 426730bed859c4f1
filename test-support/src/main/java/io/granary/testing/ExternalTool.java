package io.granary.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs real client programs (nbdinfo, qemu-img, fio...) from tests: found on the PATH or the
 * test is skipped (failed in CI), killed when it overruns its time.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** What a finished program said. */
  public record Result(int exit, String stdout, String stderr) {
    /** Fails with everything the program printed unless it exited 0. */
    public Result ok() {
      if (exit != 0) {
        throw new AssertionError("exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /** Skips (or, in CI, fails) unless every named program is on the PATH. */
  public static void require(String... programs) {
    for (String p : programs) {
      Requirements.require(onPath(p), "the program " + p + " on the PATH");
    }
  }

  public static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  public static Result run(long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    return run(timeoutSeconds, List.of(command));
  }

  public static Result run(long timeoutSeconds, List<String> command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          command + " did not finish within " + timeoutSeconds + " s; stderr:\n" + err.join());
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
