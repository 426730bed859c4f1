package io.granary.appliance;

import io.granary.appliance.daemon.Granaryd;
import io.granary.dedupe.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real granaryd in a child JVM on a test directory, stopped with SIGTERM or SIGKILL. */
final class DaemonProcess implements AutoCloseable {
  final Path data;
  final Path log;
  private Process process;

  DaemonProcess(Path data) {
    this.data = data;
    this.log = data.resolveSibling(data.getFileName() + ".log");
  }

  /** Starts the daemon and waits until its admin socket answers. */
  DaemonProcess start(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--mount", "none",
        "--nbd-listen", "none"));
    args.addAll(List.of(extra));
    process = ChildJvm.startLogged(Granaryd.class, log, args.toArray(String[]::new));
    Path socket = data.resolve("admin.sock");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) || !Files.readString(log).contains(" ready: ")) {
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

  /** SIGTERM, as systemd stops it; returns the exit code. */
  int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("granaryd did not stop within a minute");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
