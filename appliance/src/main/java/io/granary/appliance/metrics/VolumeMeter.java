package io.granary.appliance.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.atomic.LongAdder;

/**
 * One volume's I/O counters, and its pool's latency data points, held by every metered handle
 * on the volume: recording an I/O looks up no label. Counts what completed: read and write one
 * operation and their bytes; trim and write-zeroes one write operation and no bytes (as QoS
 * counts them); flush only its latency.
 */
final class VolumeMeter {
  final LongAdder readOps = new LongAdder();
  final LongAdder writeOps = new LongAdder();
  final LongAdder readBytes = new LongAdder();
  final LongAdder writeBytes = new LongAdder();

  /** When this meter was made (System.nanoTime): one made after a scrape listed volumes is kept. */
  final long created = System.nanoTime();

  private final PoolLatency latency;

  VolumeMeter(PoolLatency latency) {
    this.latency = latency;
  }

  /** The latency histogram's data points of one pool, one per operation. */
  record PoolLatency(
      DistributionDataPoint read,
      DistributionDataPoint write,
      DistributionDataPoint flush,
      DistributionDataPoint trim,
      DistributionDataPoint zero) {}

  void read(long bytes, long nanos) {
    readOps.increment();
    readBytes.add(bytes);
    latency.read().observe(seconds(nanos));
  }

  void write(long bytes, long nanos) {
    writeOps.increment();
    writeBytes.add(bytes);
    latency.write().observe(seconds(nanos));
  }

  void trim(long nanos) {
    writeOps.increment();
    latency.trim().observe(seconds(nanos));
  }

  void zero(long nanos) {
    writeOps.increment();
    latency.zero().observe(seconds(nanos));
  }

  void flush(long nanos) {
    latency.flush().observe(seconds(nanos));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
