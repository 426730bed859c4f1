package io.granary.dedupe.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One timed run (wall seconds and CPU seconds of every thread involved), and medians of runs. */
record Timing(double wallSeconds, double cpuSeconds) {

  /** MB/s of wall time for {@code bytes}. */
  double mbPerSecond(long bytes) {
    return bytes / wallSeconds / 1e6;
  }

  /** MB per CPU-second: what one core does, whatever else the machine runs. */
  double mbPerCpuSecond(long bytes) {
    return bytes / cpuSeconds / 1e6;
  }

  /** Times {@code work} in this JVM, counting the whole process's CPU time (GC included). */
  static Timing of(ThrowingRunnable work) throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    work.run();
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    return new Timing((t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9);
  }

  /** The run with the median wall time. */
  static Timing median(List<Timing> runs) {
    List<Timing> sorted = new ArrayList<>(runs);
    Collections.sort(sorted, (a, b) -> Double.compare(a.wallSeconds, b.wallSeconds));
    return sorted.get(sorted.size() / 2);
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
