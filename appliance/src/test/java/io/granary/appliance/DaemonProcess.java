package io.granary.appliance;

import io.granary.appliance.daemon.Granaryd;
import io.granary.dedupe.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real granaryd in a child JVM on a test directory, stopped with SIGTERM or SIGKILL. */
final class DaemonProcess implements AutoCloseable {
  final Path data;
  final Path log;
  private final Map<String, String> env = new HashMap<>();
  private Process process;

  DaemonProcess(Path data) {
    this.data = data;
    this.log = data.resolveSibling(data.getFileName() + ".log");
  }

  /** Adds a variable to the daemon's environment (from the next start on). */
  DaemonProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Starts the daemon and waits until its admin socket answers. */
  DaemonProcess start(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--data", data.toString()));
    if (!List.of(extra).contains("--mount")) {
      args.addAll(List.of("--mount", "none"));
    }
    if (!List.of(extra).contains("--nbd-listen")) {
      args.addAll(List.of("--nbd-listen", "none"));
    }
    args.addAll(List.of(extra));
    // The log is appended to across restarts: only what this start wrote counts.
    long from = Files.exists(log) ? Files.size(log) : 0;
    process = ChildJvm.startLogged(Granaryd.class, log, env, args.toArray(String[]::new));
    Path socket = data.resolve("admin.sock");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) || !Files.readString(log).substring((int) from).contains(" ready: ")) {
      if (!process.isAlive()) {
        throw new IOException("granaryd exited with " + process.exitValue() + ":\n"
            + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("granaryd did not start:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return this;
  }

  /** The running daemon's process id (its JVM's: {@code /proc/PID} describes the daemon). */
  long pid() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("granaryd is not running");
    }
    return process.pid();
  }

  /** Everything the daemon logged, across restarts. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, as systemd stops it; returns the exit code. */
  int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("granaryd did not stop within a minute");
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush; what was acknowledged durable must survive. */
  void kill9() throws Exception {
    ChildJvm.kill9(process);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
