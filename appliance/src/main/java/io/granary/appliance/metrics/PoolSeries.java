package io.granary.appliance.metrics;

import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.PoolUsage;
import io.granary.appliance.pool.Pools;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The per-pool gauges, read at each scrape from one {@link Pool#usage()} per pool: capacity,
 * physical use, logical bytes, provisioned bytes, dedupe and compression ratios, the alert
 * level (the {@code AlertLevel} code) and the thresholds as ratios of capacity, so that alert
 * rules need no constants. A pool whose usage cannot be read is left out of that scrape.
 */
final class PoolSeries implements MultiCollector {
  private static final System.Logger LOG = System.getLogger(PoolSeries.class.getName());

  private final Pools pools;

  PoolSeries(Pools pools) {
    this.pools = pools;
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder capacity =
        gauge(
            "granary_pool_capacity_bytes",
            Unit.BYTES,
            "Physical space the pool may use (stored bytes)");
    GaugeSnapshot.Builder used =
        gauge(
            "granary_pool_used_bytes",
            Unit.BYTES,
            "Physical space used: chunks stored after dedupe and compression");
    GaugeSnapshot.Builder logical =
        gauge(
            "granary_pool_logical_bytes",
            Unit.BYTES,
            "Bytes written into the store before dedupe and compression");
    GaugeSnapshot.Builder provisioned =
        gauge(
            "granary_pool_provisioned_bytes",
            Unit.BYTES,
            "The sizes of the pool's volumes added up");
    GaugeSnapshot.Builder dedupe =
        gauge("granary_pool_dedupe_ratio", Unit.RATIO, "Logical bytes over unique bytes");
    GaugeSnapshot.Builder compression =
        gauge("granary_pool_compression_ratio", Unit.RATIO, "Unique bytes over stored bytes");
    GaugeSnapshot.Builder alert =
        gauge(
            "granary_pool_alert_level",
            null,
            "How full the pool is: 0 ok, 1 warning, 2 critical, 3 full");
    GaugeSnapshot.Builder threshold =
        gauge(
            "granary_pool_threshold_ratio",
            Unit.RATIO,
            "The pool's alert thresholds as fractions of its capacity");
    for (Pool p : pools.list()) {
      PoolUsage u;
      try {
        u = p.usage();
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "metrics: cannot read the usage of pool {0}: {1}",
            p.name(),
            e.toString());
        continue;
      }
      Labels pool = Labels.of("pool", p.name());
      capacity.dataPoint(point(pool, u.capacity()));
      used.dataPoint(point(pool, u.used()));
      logical.dataPoint(point(pool, u.logical()));
      provisioned.dataPoint(point(pool, u.provisioned()));
      dedupe.dataPoint(point(pool, u.dedupeRatio()));
      compression.dataPoint(point(pool, u.compressionRatio()));
      alert.dataPoint(point(pool, u.alert().code()));
      PoolSettings s = p.settings();
      threshold.dataPoint(point(pool.add("level", "warning"), s.warnPercent() / 100.0));
      threshold.dataPoint(point(pool.add("level", "critical"), s.criticalPercent() / 100.0));
    }
    return new MetricSnapshots(
        capacity.build(),
        used.build(),
        logical.build(),
        provisioned.build(),
        dedupe.build(),
        compression.build(),
        alert.build(),
        threshold.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(
        "granary_pool_capacity_bytes",
        "granary_pool_used_bytes",
        "granary_pool_logical_bytes",
        "granary_pool_provisioned_bytes",
        "granary_pool_dedupe_ratio",
        "granary_pool_compression_ratio",
        "granary_pool_alert_level",
        "granary_pool_threshold_ratio");
  }

  private static GaugeSnapshot.Builder gauge(String name, Unit unit, String help) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    return unit == null ? b : b.unit(unit);
  }

  private static GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
