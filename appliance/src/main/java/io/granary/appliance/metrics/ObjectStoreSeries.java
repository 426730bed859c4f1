package io.granary.appliance.metrics;

import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.dedupe.api.MediumStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * The series of pools on an object store, read at each scrape from the chunk store's {@link
 * MediumStats}: requests by kind and the failed ones, bytes each way, the upload backlog and
 * failures, the read cache, and what the requests would cost at AWS S3 Standard's list prices
 * (an estimate to compare providers by, not a bill). Local pools have none of these series.
 */
final class ObjectStoreSeries implements MultiCollector {
  /** US dollars per request: PUT, COPY, POST, LIST $0.005 per 1,000; GET, HEAD $0.0004. */
  static final double PUT_OR_LIST_PRICE = 0.005 / 1000;

  static final double GET_OR_HEAD_PRICE = 0.0004 / 1000;

  private final Pools pools;

  ObjectStoreSeries(Pools pools) {
    this.pools = pools;
  }

  @Override
  public MetricSnapshots collect() {
    CounterSnapshot.Builder requests =
        counter("granary_pool_object_requests", null, "Requests made of the object store");
    CounterSnapshot.Builder errors =
        counter("granary_pool_object_request_errors", null, "Requests that failed");
    CounterSnapshot.Builder retries =
        counter(
            "granary_pool_object_request_retries",
            null,
            "Attempts the client made again within requests (throttling, 5xx, dropped)");
    CounterSnapshot.Builder bytes =
        counter(
            "granary_pool_object_transferred_bytes",
            Unit.BYTES,
            "Pack bytes uploaded to and downloaded from the object store");
    GaugeSnapshot.Builder cost =
        gauge(
            "granary_pool_object_request_cost_estimate",
            null,
            "US dollars the requests since start would cost at AWS S3 Standard list prices");
    GaugeSnapshot.Builder backlog =
        gauge(
            "granary_pool_upload_backlog_bytes",
            Unit.BYTES,
            "Sealed packs' bytes only the local spool holds (not yet in the object store)");
    CounterSnapshot.Builder failures =
        counter("granary_pool_upload_failures", null, "Failed upload attempts (each retried)");
    GaugeSnapshot.Builder cache =
        gauge("granary_pool_cache_bytes", Unit.BYTES, "Bytes in the local read cache");
    GaugeSnapshot.Builder cacheCap =
        gauge("granary_pool_cache_limit_bytes", Unit.BYTES, "The read cache's hard cap");
    CounterSnapshot.Builder lookups =
        counter("granary_pool_cache_lookups", null, "Page lookups in the read cache");
    CounterSnapshot.Builder throttled =
        counter(
            "granary_pool_object_throttled_seconds",
            Unit.SECONDS,
            "Time requests waited for the pool's request-rate and bandwidth limits");
    for (Pool p : pools.list()) {
      if (p.bucket() == null) {
        continue;
      }
      MediumStats m = p.chunks().mediumStats();
      Labels pool = Labels.of("pool", p.name());
      MediumStats.Requests r = m.requests();
      requests.dataPoint(count(pool.add("kind", "put"), r.put()));
      requests.dataPoint(count(pool.add("kind", "get"), r.get()));
      requests.dataPoint(count(pool.add("kind", "head"), r.head()));
      requests.dataPoint(count(pool.add("kind", "delete"), r.delete()));
      requests.dataPoint(count(pool.add("kind", "list"), r.list()));
      errors.dataPoint(count(pool, m.requestErrors()));
      retries.dataPoint(count(pool, m.requestRetries()));
      bytes.dataPoint(count(pool.add("direction", "up"), m.bytesUploaded()));
      bytes.dataPoint(count(pool.add("direction", "down"), m.bytesDownloaded()));
      cost.dataPoint(
          gaugePoint(
              pool,
              (r.put() + r.list()) * PUT_OR_LIST_PRICE + (r.get() + r.head()) * GET_OR_HEAD_PRICE));
      backlog.dataPoint(gaugePoint(pool, m.uploadBacklogBytes()));
      failures.dataPoint(count(pool, m.uploadFailures()));
      cache.dataPoint(gaugePoint(pool, m.cacheBytes()));
      cacheCap.dataPoint(gaugePoint(pool, m.cacheCapBytes()));
      lookups.dataPoint(count(pool.add("result", "hit"), m.cacheHits()));
      lookups.dataPoint(count(pool.add("result", "miss"), m.cacheMisses()));
      throttled.dataPoint(count(pool, m.throttledNanos() / 1e9));
    }
    return new MetricSnapshots(
        requests.build(),
        errors.build(),
        retries.build(),
        bytes.build(),
        cost.build(),
        backlog.build(),
        failures.build(),
        cache.build(),
        cacheCap.build(),
        lookups.build(),
        throttled.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(
        "granary_pool_object_requests",
        "granary_pool_object_request_errors",
        "granary_pool_object_request_retries",
        "granary_pool_object_transferred_bytes",
        "granary_pool_object_request_cost_estimate",
        "granary_pool_upload_backlog_bytes",
        "granary_pool_upload_failures",
        "granary_pool_cache_bytes",
        "granary_pool_cache_limit_bytes",
        "granary_pool_cache_lookups",
        "granary_pool_object_throttled_seconds");
  }

  private static CounterSnapshot.Builder counter(String name, Unit unit, String help) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    return unit == null ? b : b.unit(unit);
  }

  private static GaugeSnapshot.Builder gauge(String name, Unit unit, String help) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    return unit == null ? b : b.unit(unit);
  }

  private static CounterDataPointSnapshot count(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static GaugeDataPointSnapshot gaugePoint(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
