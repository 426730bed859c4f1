package io.granary.appliance.metrics;

import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.qos.Throttles;
import io.granary.snapshots.api.VolumeInfo;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-volume series, five counters per volume and nothing else, so that 10,000 volumes
 * stay scrapeable: {@code granary_volume_{read,write}_{ops,bytes}_total} and
 * {@code granary_volume_throttled_seconds_total}, labelled {@code {pool,volume}}; and the
 * meters behind them, which metered handles update without any label lookup.
 *
 * <p>A collector of its own (rather than registered counters) so that each scrape lists the
 * volumes once, first: every volume has its series from the start (zeroes before its first
 * I/O), and the series of a deleted volume are gone in the same scrape. A meter made after
 * the listing began (a volume created meanwhile) is kept. The latency histogram is per pool
 * and op ({@code granary_volume_request_duration_seconds}); its series of a deleted pool go too.
 */
final class VolumeSeries implements MultiCollector {
  private static final System.Logger LOG = System.getLogger(VolumeSeries.class.getName());
  static final List<String> OPS = List.of("read", "write", "flush", "trim", "zero");

  private record Key(String pool, String volume) {}

  private final Pools pools;
  private final Throttles throttles;
  private final Histogram latency;
  private final Map<Key, VolumeMeter> meters = new ConcurrentHashMap<>();
  private final Map<String, VolumeMeter.PoolLatency> poolLatency = new ConcurrentHashMap<>();

  VolumeSeries(Pools pools, Throttles throttles, Histogram latency) {
    this.pools = pools;
    this.throttles = throttles;
    this.latency = latency;
  }

  /** The meter of {@code pool/volume} (its series start at zero). */
  VolumeMeter meter(String pool, String volume) {
    return meters.computeIfAbsent(
        new Key(pool, volume),
        k -> new VolumeMeter(poolLatency.computeIfAbsent(pool, this::latencyOf)));
  }

  private VolumeMeter.PoolLatency latencyOf(String pool) {
    return new VolumeMeter.PoolLatency(
        latency.labelValues(pool, "read"),
        latency.labelValues(pool, "write"),
        latency.labelValues(pool, "flush"),
        latency.labelValues(pool, "trim"),
        latency.labelValues(pool, "zero"));
  }

  @Override
  public MetricSnapshots collect() {
    sync();
    CounterSnapshot.Builder readOps =
        counter("granary_volume_read_ops", null, "Reads completed (NBD and FUSE)");
    CounterSnapshot.Builder writeOps =
        counter(
            "granary_volume_write_ops",
            null,
            "Writes, trims and write-zeroes completed (NBD and FUSE)");
    CounterSnapshot.Builder readBytes =
        counter("granary_volume_read_bytes", Unit.BYTES, "Bytes read");
    CounterSnapshot.Builder writeBytes =
        counter(
            "granary_volume_write_bytes",
            Unit.BYTES,
            "Bytes written (trims and write-zeroes move none)");
    CounterSnapshot.Builder throttled =
        counter(
            "granary_volume_throttled_seconds",
            Unit.SECONDS,
            "Time I/Os waited for the volume's QoS limits, added up over requests");
    for (Map.Entry<Key, VolumeMeter> e : meters.entrySet()) {
      Key k = e.getKey();
      VolumeMeter m = e.getValue();
      Labels labels = Labels.of("pool", k.pool(), "volume", k.volume());
      readOps.dataPoint(point(labels, m.readOps.sum()));
      writeOps.dataPoint(point(labels, m.writeOps.sum()));
      readBytes.dataPoint(point(labels, m.readBytes.sum()));
      writeBytes.dataPoint(point(labels, m.writeBytes.sum()));
      throttled.dataPoint(point(labels, throttles.throttledNanos(k.pool(), k.volume()) / 1e9));
    }
    return new MetricSnapshots(
        readOps.build(),
        writeOps.build(),
        readBytes.build(),
        writeBytes.build(),
        throttled.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(
        "granary_volume_read_ops",
        "granary_volume_write_ops",
        "granary_volume_read_bytes",
        "granary_volume_write_bytes",
        "granary_volume_throttled_seconds");
  }

  /** Makes the meters match the volumes that exist (and the throttles too). */
  private void sync() {
    long listed = System.nanoTime();
    Set<String> poolNames = new HashSet<>();
    for (Pool p : pools.list()) {
      poolNames.add(p.name());
      Set<String> names = new HashSet<>();
      try {
        for (VolumeInfo v : p.volumes().list()) {
          names.add(v.name());
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "metrics: cannot list the volumes of pool {0}: {1}",
            p.name(),
            e.toString());
        continue;
      }
      names.forEach(v -> meter(p.name(), v));
      poolLatency.computeIfAbsent(p.name(), this::latencyOf);
      meters
          .entrySet()
          .removeIf(
              e ->
                  e.getKey().pool().equals(p.name())
                      && !names.contains(e.getKey().volume())
                      && e.getValue().created - listed < 0);
      throttles.prune(p.name(), names);
    }
    meters
        .entrySet()
        .removeIf(e -> !poolNames.contains(e.getKey().pool()) && e.getValue().created - listed < 0);
    for (String pool : Set.copyOf(poolLatency.keySet())) {
      if (!poolNames.contains(pool)) {
        poolLatency.remove(pool);
        OPS.forEach(op -> latency.remove(pool, op));
      }
    }
  }

  private static CounterSnapshot.Builder counter(String name, Unit unit, String help) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    return unit == null ? b : b.unit(unit);
  }

  private static CounterDataPointSnapshot point(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
