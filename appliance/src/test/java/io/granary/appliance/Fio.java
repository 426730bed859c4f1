package io.granary.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * fio runs started from tests: 4 KiB random reads for a fixed time after a ramp (the ramp
 * absorbs the full bucket's first burst and the start-up of runs meant to overlap), its JSON
 * report in a file, and optionally its per-second IOPS log.
 */
final class Fio {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path report;
  private final List<String> command;

  private Fio(Process process, Path report, List<String> command) {
    this.process = process;
    this.report = report;
    this.command = command;
  }

  /** fio's nbd engine on {@code uri}: {@code iodepth} requests in flight on one connection. */
  static Fio nbd(
      Path dir,
      String name,
      String uri,
      int iodepth,
      int rampSeconds,
      int runSeconds,
      String... extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(List.of("--ioengine=nbd", "--uri=" + uri, "--iodepth=" + iodepth));
    args.addAll(List.of(extra));
    return start(dir, name, rampSeconds, runSeconds, args);
  }

  /** Blocking reads of a file (the FUSE mount) from {@code jobs} threads. */
  static Fio file(Path dir, String name, Path file, int jobs, int rampSeconds, int runSeconds)
      throws IOException {
    return start(
        dir,
        name,
        rampSeconds,
        runSeconds,
        List.of(
            "--filename=" + file, "--ioengine=psync", "--numjobs=" + jobs, "--group_reporting"));
  }

  private static Fio start(
      Path dir, String name, int rampSeconds, int runSeconds, List<String> args)
      throws IOException {
    Path report = dir.resolve(name + ".json");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "fio",
                "--name=" + name,
                "--rw=randread",
                "--bs=4k",
                "--time_based",
                "--runtime=" + runSeconds,
                "--ramp_time=" + rampSeconds,
                "--output-format=json",
                "--output=" + report));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .start();
    return new Fio(p, report, cmd);
  }

  /** Waits for the run; its read IOPS over the measured time (after the ramp). */
  double readIops() throws Exception {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish within 2 minutes");
    }
    Path out = report.resolveSibling(report.getFileName().toString().replace(".json", ".out"));
    if (process.exitValue() != 0) {
      throw new AssertionError(
          command + " exited " + process.exitValue() + ":\n" + Files.readString(out));
    }
    JsonNode job = JSON.readTree(report.toFile()).get("jobs").get(0);
    if (job.get("error").asInt() != 0) {
      throw new AssertionError("fio job failed: " + Files.readString(out));
    }
    return job.get("read").get("iops").asDouble();
  }

  /**
   * The mean IOPS per second of fio's {@code --write_iops_log} log with
   * {@code --log_avg_msec=1000}, by the end time of each second in ms since the job started.
   */
  static TreeMap<Long, Double> iopsLog(Path log) throws IOException {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (String line : Files.readAllLines(log)) {
      String[] f = line.split(",\\s*");
      if (f.length >= 2) {
        out.put(Long.parseLong(f[0].trim()), Double.parseDouble(f[1].trim()));
      }
    }
    return out;
  }
}
