package io.granary.appliance;

import io.granary.appliance.daemon.Granaryd;
import io.granary.testing.ChildJvm;
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
  private List<String> wrapper = List.of();
  private Process process;

  DaemonProcess(Path data) {
    this.data = data;
    this.log = data.resolveSibling(data.getFileName() + ".log");
  }

  /** Runs the daemon through {@code command}, which execs the JVM (from the next start on). */
  DaemonProcess wrapper(String... command) {
    wrapper = List.of(command);
    return this;
  }

  /** Adds a variable to the daemon's environment (from the next start on). */
  DaemonProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Starts the daemon and waits until its admin socket answers. */
  DaemonProcess start(String... extra) throws Exception {
    long from = launch(extra);
    Path socket = data.resolve("admin.sock");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) || !readySince(from)) {
      if (!process.isAlive()) {
        throw new IOException(
            "granaryd exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("granaryd did not start:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return this;
  }

  /**
   * Starts the daemon and kills it with SIGKILL {@code millis} later, wherever it is (replaying
   * journals, opening pools); returns whether it had already said it was ready.
   */
  boolean killWhileStarting(long millis, String... extra) throws Exception {
    long from = launch(extra);
    Thread.sleep(millis);
    kill9();
    return readySince(from);
  }

  /** Spawns the daemon; returns where its part of the log begins. */
  private long launch(String... extra) throws IOException {
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
    process = ChildJvm.startLogged(wrapper, Granaryd.class, log, env, args.toArray(String[]::new));
    return from;
  }

  private boolean readySince(long from) throws IOException {
    return Files.readString(log).substring((int) from).contains(" ready: ");
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
